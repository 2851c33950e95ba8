//! Attribute filters for tiles and features: CQL2 (text, or JSON for clients that send
//! it), parsed with the `cql2` crate and lowered to the subset evaluated here on every
//! feature — comparisons (`=`, `<>`, `<`, `<=`, `>`, `>=`), `IN (…)`, `LIKE` (`%`, `_`),
//! `IS [NOT] NULL`, `BETWEEN`, `AND`, `OR`, `NOT` — with literals text, numbers and
//! booleans. Spatial, temporal, arithmetic and function expressions are refused with a
//! message naming them (bboxes select by space). Fields are checked against the layers'.
//!
//! A filter is bounded before it reaches the parser: at most [`MAX_LENGTH`] characters,
//! [`MAX_DEPTH`] levels of parentheses and `NOT`, and [`MAX_PREDICATES`] comparisons, so
//! no filter, however built, can exhaust the stack or the processor.

use std::cmp::Ordering;

use cql2::Expr;
use serde_json::{Map, Value};

mod error;

pub use error::FilterError;

/// Longest filter accepted, in characters.
pub const MAX_LENGTH: usize = 4096;

/// Deepest nesting of parentheses and `NOT` accepted.
pub const MAX_DEPTH: usize = 32;

/// Most comparisons in one filter.
pub const MAX_PREDICATES: usize = 256;

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Both hold.
    And(Box<Filter>, Box<Filter>),
    /// Either holds.
    Or(Box<Filter>, Box<Filter>),
    /// Does not hold.
    Not(Box<Filter>),
    /// `field op literal`.
    Compare(String, Op, Literal),
    /// `field IN (…)`.
    In(String, Vec<Literal>),
    /// `field IS NULL`.
    IsNull(String),
    /// `field LIKE 'pattern'`.
    Like(String, String),
    /// `TRUE` or `FALSE` on its own.
    Always(bool),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
}

impl Filter {
    /// Parses CQL2 text, accepting only the given field names.
    ///
    /// # Errors
    /// A [`FilterError`] naming the unknown field, the unsupported operator or where the
    /// syntax is wrong.
    pub fn parse(text: &str, fields: &[String]) -> Result<Self, FilterError> {
        bound_text(text)?;
        let expr = cql2::parse_text(text).map_err(|e| FilterError::Text(Box::new(e)))?;
        lower(&expr, fields, 0, &mut 0)
    }

    /// Parses CQL2 JSON, accepting only the given field names.
    ///
    /// # Errors
    /// As [`Filter::parse`].
    pub fn parse_json(text: &str, fields: &[String]) -> Result<Self, FilterError> {
        let length = text.chars().count();
        if length > MAX_LENGTH * 4 {
            return Err(FilterError::TooLong(length, MAX_LENGTH * 4));
        }
        let expr = cql2::parse_json(text).map_err(FilterError::Json)?;
        lower(&expr, fields, 0, &mut 0)
    }

    /// Whether a feature with these properties matches.
    #[must_use]
    pub fn matches(&self, props: &Map<String, Value>) -> bool {
        match self {
            Self::And(a, b) => a.matches(props) && b.matches(props),
            Self::Or(a, b) => a.matches(props) || b.matches(props),
            Self::Not(a) => !a.matches(props),
            Self::Compare(f, op, lit) => {
                props
                    .get(f)
                    .and_then(|v| compare(v, lit))
                    .is_some_and(|o| match op {
                        Op::Eq => o == Ordering::Equal,
                        Op::Ne => o != Ordering::Equal,
                        Op::Lt => o == Ordering::Less,
                        Op::Le => o != Ordering::Greater,
                        Op::Gt => o == Ordering::Greater,
                        Op::Ge => o != Ordering::Less,
                    })
            }
            Self::In(f, list) => props
                .get(f)
                .is_some_and(|v| list.iter().any(|l| compare(v, l) == Some(Ordering::Equal))),
            Self::IsNull(f) => props.get(f).is_none_or(Value::is_null),
            Self::Like(f, pattern) => props
                .get(f)
                .and_then(Value::as_str)
                .is_some_and(|s| like(s, pattern)),
            Self::Always(b) => *b,
        }
    }
}

/// Refuses text that is too long, nests parentheses or prefix operators (`NOT`, `-`)
/// too deep, or holds too many comparisons, before any parser sees it (quoted text and
/// identifiers are skipped): the parser recurses on each of these.
fn bound_text(text: &str) -> Result<(), FilterError> {
    let length = text.chars().count();
    if length > MAX_LENGTH {
        return Err(FilterError::TooLong(length, MAX_LENGTH));
    }
    if text.trim().is_empty() {
        return Err(FilterError::Empty);
    }
    let (mut depth, mut prefixes, mut comparisons) = (0usize, 0usize, 0usize);
    let (mut quote, mut word) = (None, String::new());
    let (mut previous, mut opened) = (' ', 0);
    for (i, c) in text.chars().enumerate() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '\'' || c == '"' {
            opened = i + 1;
        }
        if c.is_alphanumeric() || c == '_' || c == '.' || c == ':' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            if word.eq_ignore_ascii_case("not") {
                prefixes += 1;
            } else {
                prefixes = 0;
            }
            word.clear();
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                prefixes = 0;
            }
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '-' => prefixes += 1,
            '=' | '<' | '>' if !matches!(previous, '<' | '>') => comparisons += 1,
            _ => {}
        }
        previous = c;
        if depth + prefixes > MAX_DEPTH {
            return Err(FilterError::TooDeep(Some(i + 1)));
        }
        if comparisons > MAX_PREDICATES {
            return Err(FilterError::TooManyComparisons);
        }
    }
    if let Some(q) = quote {
        return Err(FilterError::Unterminated(q, opened));
    }
    if depth > 0 {
        return Err(FilterError::Unclosed(depth));
    }
    Ok(())
}

/// A comparison operator of CQL2 (and its mirror, for `literal op property`).
fn comparison(op: &str) -> Option<(Op, Op)> {
    Some(match op {
        "=" => (Op::Eq, Op::Eq),
        "<>" => (Op::Ne, Op::Ne),
        "<" => (Op::Lt, Op::Gt),
        "<=" => (Op::Le, Op::Ge),
        ">" => (Op::Gt, Op::Lt),
        ">=" => (Op::Ge, Op::Le),
        _ => return None,
    })
}

fn literal(e: &Expr) -> Result<Literal, FilterError> {
    match e {
        Expr::Float(n) => Ok(Literal::Number(*n)),
        Expr::Literal(s) => Ok(Literal::Text(s.clone())),
        Expr::Bool(b) => Ok(Literal::Bool(*b)),
        other => Err(FilterError::NotAValue(describe(other))),
    }
}

fn describe(e: &Expr) -> String {
    match e {
        Expr::Operation { op, .. } => format!("the operator {op}"),
        Expr::Property { property } => format!("the field {property}"),
        Expr::Timestamp { .. } | Expr::Date { .. } | Expr::Interval { .. } => "a time".into(),
        Expr::Geometry(_) | Expr::BBox { .. } => "a geometry".into(),
        Expr::Array(_) => "a list".into(),
        Expr::Null => "NULL".into(),
        Expr::Float(_) | Expr::Literal(_) | Expr::Bool(_) => "a value".into(),
    }
}

fn field(e: &Expr, fields: &[String]) -> Result<String, FilterError> {
    let Expr::Property { property } = e else {
        return Err(FilterError::NotAField(describe(e)));
    };
    if !fields.contains(property) {
        return Err(FilterError::UnknownField(
            property.chars().take(80).collect(),
            fields.join(", "),
        ));
    }
    Ok(property.clone())
}

/// Our filter for the CQL2 expression `e`, `depth` levels down, counting comparisons in
/// `predicates`.
fn lower(
    e: &Expr,
    fields: &[String],
    depth: usize,
    predicates: &mut usize,
) -> Result<Filter, FilterError> {
    if depth > MAX_DEPTH * 2 {
        return Err(FilterError::TooDeep(None));
    }
    let Expr::Operation { op, args } = e else {
        return match e {
            Expr::Bool(true) => Ok(Filter::Always(true)),
            Expr::Bool(false) => Ok(Filter::Always(false)),
            other => Err(FilterError::NotACondition(describe(other))),
        };
    };
    let sub = |e: &Expr, predicates: &mut usize| lower(e, fields, depth + 1, predicates);
    let arg = |i: usize| -> Result<&Expr, FilterError> {
        args.get(i)
            .map(AsRef::as_ref)
            .ok_or_else(|| FilterError::MissingArgument(op.clone()))
    };
    let op_lower = op.to_ascii_lowercase();
    if op_lower != "and" && op_lower != "or" && op_lower != "not" {
        *predicates += 1;
        if *predicates > MAX_PREDICATES {
            return Err(FilterError::TooManyComparisons);
        }
    }
    Ok(match op_lower.as_str() {
        "and" | "or" => {
            let mut parts = args.iter().map(|a| sub(a, predicates));
            let first = parts
                .next()
                .ok_or_else(|| FilterError::MissingArgument(op.clone()))??;
            parts.try_fold(first, |acc, next| {
                let next = Box::new(next?);
                Ok::<_, FilterError>(if op_lower == "and" {
                    Filter::And(Box::new(acc), next)
                } else {
                    Filter::Or(Box::new(acc), next)
                })
            })?
        }
        "not" => Filter::Not(Box::new(sub(arg(0)?, predicates)?)),
        "isnull" => Filter::IsNull(field(arg(0)?, fields)?),
        "like" => match literal(arg(1)?)? {
            Literal::Text(p) => Filter::Like(field(arg(0)?, fields)?, p),
            _ => return Err(FilterError::LikeNeedsText),
        },
        "in" => {
            let Expr::Array(items) = arg(1)? else {
                return Err(FilterError::InNeedsList);
            };
            let values = items
                .iter()
                .map(|i| literal(i))
                .collect::<Result<Vec<_>, _>>()?;
            Filter::In(field(arg(0)?, fields)?, values)
        }
        "between" => {
            let f = field(arg(0)?, fields)?;
            Filter::And(
                Box::new(Filter::Compare(f.clone(), Op::Ge, literal(arg(1)?)?)),
                Box::new(Filter::Compare(f, Op::Le, literal(arg(2)?)?)),
            )
        }
        other => match comparison(other) {
            Some((direct, mirrored)) => match (arg(0)?, arg(1)?) {
                (p @ Expr::Property { .. }, v) => {
                    Filter::Compare(field(p, fields)?, direct, literal(v)?)
                }
                (v, p @ Expr::Property { .. }) => {
                    Filter::Compare(field(p, fields)?, mirrored, literal(v)?)
                }
                _ => return Err(FilterError::NoField(op.clone())),
            },
            None => return Err(FilterError::Unsupported(op.chars().take(40).collect())),
        },
    })
}

/// Orders a property value against a literal of a compatible type; numeric text
/// compares as a number with a number literal.
fn compare(v: &Value, lit: &Literal) -> Option<Ordering> {
    match (v, lit) {
        (Value::Number(n), Literal::Number(l)) => n.as_f64()?.partial_cmp(l),
        (Value::String(s), Literal::Number(l)) => s.trim().parse::<f64>().ok()?.partial_cmp(l),
        (Value::String(s), Literal::Text(l)) => Some(s.as_str().cmp(l.as_str())),
        (Value::Number(n), Literal::Text(l)) => Some(n.to_string().as_str().cmp(l.as_str())),
        (Value::Bool(b), Literal::Bool(l)) => Some(b.cmp(l)),
        _ => None,
    }
}

/// SQL LIKE with `%` (any run) and `_` (any one character), case-sensitive.
fn like(s: &str, pattern: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    // dp[j]: pattern[..j] matches s[..i].
    let mut dp = vec![false; p.len() + 1];
    dp[0] = true;
    for j in 1..=p.len() {
        dp[j] = dp[j - 1] && p[j - 1] == '%';
    }
    for &c in &s {
        let mut prev = dp[0];
        dp[0] = false;
        for j in 1..=p.len() {
            let cur = dp[j];
            dp[j] = match p[j - 1] {
                '%' => dp[j - 1] || dp[j],
                '_' => prev,
                pc => prev && pc == c,
            };
            prev = cur;
        }
    }
    dp[p.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields() -> Vec<String> {
        ["theme", "class", "population", "name", "code"]
            .map(String::from)
            .to_vec()
    }

    fn props() -> Map<String, Value> {
        json!({"theme": "flood", "class": "high", "population": 1200, "name": "Gitega", "code": "1101"})
            .as_object()
            .unwrap()
            .clone()
    }

    fn check(f: &str) -> bool {
        Filter::parse(f, &fields()).unwrap().matches(&props())
    }

    #[test]
    fn evaluates_the_subset() {
        assert!(check("theme='flood' AND class='high'"));
        assert!(!check("theme = 'flood' and class = 'low'"));
        assert!(check("class='low' OR population >= 1000"));
        assert!(check("NOT (population < 1000)"));
        assert!(check("class IN ('medium', 'high')"));
        assert!(check("class NOT IN ('low')"));
        assert!(
            check("name LIKE 'Git%'") && check("name LIKE 'G_tega'") && !check("name LIKE 'git%'")
        );
        assert!(check("code = 1101") && check("code > 1000"));
        assert!(!check("population IS NULL") && check("population IS NOT NULL"));
        assert!(check("\"theme\" <> 'drought'"));
    }

    #[test]
    fn errors_name_the_problem() {
        let err = |f: &str| Filter::parse(f, &fields()).unwrap_err().to_string();
        assert_eq!(
            err("colour = 'red'"),
            "unknown field 'colour' in filter: the fields are theme, class, population, name, code"
        );
        assert_eq!(
            err("theme = "),
            "the filter is not CQL2 text: at position 9, expected a value ('text', a number, TRUE or FALSE), or a field, or '('"
        );
        assert_eq!(
            err("theme = 'flood"),
            "unterminated '…' starting at position 9"
        );
        assert_eq!(
            err("(theme = 'flood'"),
            "the filter opens 1 more '(' than it closes: add ')'"
        );
        assert_eq!(
            err("theme 'x'"),
            "the filter is not CQL2 text: at position 7, expected a comparison (=, <>, <, <=, >, >=, IN, LIKE, IS NULL), or the end of the filter"
        );
        assert_eq!(
            err("st_intersects(geom, POINT(1 2))"),
            "the operator s_intersects is not supported in filters here: use =, <>, <, <=, >, >=, IN, LIKE, IS NULL, BETWEEN, AND, OR, NOT (bboxes select by space)"
        );
        assert_eq!(
            err("population + 1 > 3"),
            "the comparison > needs a field on one side"
        );
    }

    #[test]
    fn cql2_json_means_the_same() {
        let text = Filter::parse(
            "class IN ('medium', 'high') AND population >= 1000",
            &fields(),
        )
        .unwrap();
        let json = Filter::parse_json(
            r#"{"op":"and","args":[{"op":"in","args":[{"property":"class"},["medium","high"]]},{"op":">=","args":[{"property":"population"},1000]}]}"#,
            &fields(),
        )
        .unwrap();
        assert_eq!(text, json);
        assert!(json.matches(&props()));
        assert!(
            Filter::parse(
                "1000 <= population AND population BETWEEN 1000 AND 2000",
                &fields()
            )
            .unwrap()
            .matches(&props())
        );
    }

    #[test]
    fn deep_long_and_wide_filters_are_refused_not_followed() {
        let fields = fields();
        let deep = format!("{}theme = 'x'{}", "(".repeat(3000), ")".repeat(3000));
        assert!(
            Filter::parse(&deep, &fields)
                .unwrap_err()
                .to_string()
                .starts_with("the filter is 6011 characters long")
        );
        let nested = format!("{}theme = 'x'{}", "(".repeat(40), ")".repeat(40));
        assert_eq!(
            Filter::parse(&nested, &fields).unwrap_err().to_string(),
            "the filter nests deeper than 32 levels of parentheses and NOT at position 33: simplify it"
        );
        let nots = format!("{}theme = 'x'", "NOT ".repeat(33));
        assert!(
            Filter::parse(&nots, &fields)
                .unwrap_err()
                .to_string()
                .contains("deeper than 32")
        );
        let wide = vec!["code = 1"; 300].join(" OR ");
        assert_eq!(
            Filter::parse(&wide, &fields).unwrap_err().to_string(),
            "the filter has more than 256 comparisons: use IN (…) for lists of values"
        );
        let ok = format!("{}theme = 'flood'{}", "(".repeat(32), ")".repeat(32));
        assert!(Filter::parse(&ok, &fields).unwrap().matches(&props()));
    }
}
