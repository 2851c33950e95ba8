//! The tables both backends share, typed once (the features table, whose geometry is
//! stored differently, is declared by each backend).

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::types::{SqlJson, SqlTime};
    layers (id) {
        id -> Text,
        meta -> SqlJson,
        current_version -> Integer,
        created_by -> Text,
        created_at -> SqlTime,
        updated_by -> Text,
        updated_at -> SqlTime,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::types::{SqlJson, SqlTime};
    layer_versions (layer_id, version) {
        layer_id -> Text,
        version -> Integer,
        meta -> SqlJson,
        source_name -> Text,
        source_sha256 -> Text,
        feature_count -> BigInt,
        west -> Nullable<Double>,
        south -> Nullable<Double>,
        east -> Nullable<Double>,
        north -> Nullable<Double>,
        report -> SqlJson,
        loaded_by -> Text,
        loaded_at -> SqlTime,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::types::SqlTime;
    api_tokens (id) {
        id -> Integer,
        name -> Text,
        token_sha256 -> Text,
        created_at -> SqlTime,
        expires_at -> Nullable<SqlTime>,
        revoked_at -> Nullable<SqlTime>,
        role -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::types::{SqlJson, SqlTime};
    audit_log (id) {
        id -> BigInt,
        at -> SqlTime,
        actor -> Text,
        action -> Text,
        target -> Text,
        detail -> SqlJson,
    }
}

diesel::joinable!(layer_versions -> layers (layer_id));
diesel::allow_tables_to_appear_in_same_query!(layers, layer_versions);

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::types::{SqlJson, SqlTime};
    alert_rules (id, version) {
        id -> Text,
        version -> Integer,
        spec -> SqlJson,
        written_by -> Text,
        written_at -> SqlTime,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::types::{SqlJson, SqlTime};
    alerts (id) {
        id -> BigInt,
        rule_id -> Nullable<Text>,
        rule_version -> Nullable<Integer>,
        hazard_layer -> Text,
        hazard_version -> Integer,
        exposure_layer -> Text,
        exposure_version -> Integer,
        state -> Text,
        doc -> SqlJson,
        updated_at -> SqlTime,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::types::{SqlJson, SqlTime};
    subscribers (id) {
        id -> Text,
        version -> Integer,
        spec -> SqlJson,
        secrets -> SqlJson,
        written_by -> Text,
        written_at -> SqlTime,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::types::SqlTime;
    deliveries (id) {
        id -> BigInt,
        alert_id -> BigInt,
        subscriber_id -> Text,
        channel -> Text,
        message_id -> Text,
        state -> Text,
        attempts -> Integer,
        tries -> Integer,
        next_attempt_at -> SqlTime,
        created_at -> SqlTime,
        delivered_at -> Nullable<SqlTime>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::types::SqlTime;
    delivery_attempts (delivery_id, number) {
        delivery_id -> BigInt,
        number -> Integer,
        at -> SqlTime,
        status -> Nullable<Integer>,
        latency_ms -> Double,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::types::SqlTime;
    registers (kind) {
        kind -> Text,
        current_version -> Integer,
        updated_by -> Text,
        updated_at -> SqlTime,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::types::{SqlJson, SqlTime};
    register_versions (kind, version) {
        kind -> Text,
        version -> Integer,
        source_name -> Text,
        source_sha256 -> Text,
        record_count -> BigInt,
        report -> SqlJson,
        imported_by -> Text,
        imported_at -> SqlTime,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    record_chunks (kind, version, chunk) {
        kind -> Text,
        version -> Integer,
        chunk -> Integer,
        records -> Text,
    }
}
