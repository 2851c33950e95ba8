//! Why a filter cannot be used, in words a user can act on.

use super::{MAX_DEPTH, MAX_PREDICATES};

/// Why a filter cannot be used: each message says what is wrong and, where it can,
/// what to write instead.
#[derive(Debug, thiserror::Error)]
pub enum FilterError {
    /// Longer than allowed.
    #[error("the filter is {0} characters long, more than {1}: simplify it")]
    TooLong(usize, usize),
    /// Nothing but spaces.
    #[error("the filter is empty")]
    Empty,
    /// Nested too deep (at this character position, when known before parsing).
    #[error("the filter nests deeper than {MAX_DEPTH} levels of parentheses and NOT{}: simplify it", .0.map(|p| format!(" at position {p}")).unwrap_or_default())]
    TooDeep(Option<usize>),
    /// Too many comparisons.
    #[error(
        "the filter has more than {MAX_PREDICATES} comparisons: use IN (…) for lists of values"
    )]
    TooManyComparisons,
    /// A quote opened at this position and never closed.
    #[error("unterminated {0}…{0} starting at position {1}")]
    Unterminated(char, usize),
    /// More `(` than `)`.
    #[error("the filter opens {0} more '(' than it closes: add ')'")]
    Unclosed(usize),
    /// Not CQL2 text.
    #[error("the filter is not CQL2 text: {}", first_line(&.0.to_string()))]
    Text(#[source] Box<cql2::Error>),
    /// Not CQL2 JSON.
    #[error("the filter is not CQL2 JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// A field name that none of the layers has.
    #[error("unknown field '{0}' in filter: the fields are {1}")]
    UnknownField(String, String),
    /// Something else where a field belongs.
    #[error("expected a field name, not {0}")]
    NotAField(String),
    /// Something else where a value belongs.
    #[error("expected a value ('text', a number, TRUE or FALSE), not {0}")]
    NotAValue(String),
    /// Something else where a condition belongs.
    #[error("expected a condition, not {0}: compare a field, e.g. hazard_class = 'high'")]
    NotACondition(String),
    /// An operator without (enough) arguments.
    #[error("the operator {0} is missing an argument")]
    MissingArgument(String),
    /// A comparison between two values or two fields.
    #[error("the comparison {0} needs a field on one side")]
    NoField(String),
    /// `LIKE` with something else than text.
    #[error("LIKE needs a 'text' pattern")]
    LikeNeedsText,
    /// `IN` without a list.
    #[error("IN needs a list of values, e.g. class IN ('high', 'medium')")]
    InNeedsList,
    /// An operator this filter does not evaluate.
    #[error(
        "the operator {0} is not supported in filters here: use =, <>, <, <=, >, >=, IN, LIKE, IS NULL, BETWEEN, AND, OR, NOT (bboxes select by space)"
    )]
    Unsupported(String),
}

/// A parser's message, shortened: where (`position N`) and what it expected, without
/// the drawing of the input under it.
fn first_line(s: &str) -> String {
    let at = s
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .and_then(|lc| lc.split(':').nth(1))
        .map(|c| format!("at position {c}"));
    let what = s
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .map(expected);
    match (at, what) {
        (Some(at), Some(what)) => format!("{at}, {what}"),
        (Some(at), None) => at,
        _ => s.lines().next().unwrap_or_default().to_owned(),
    }
}

/// The parser's list of expected rules in the words of the filter's grammar.
fn expected(list: &str) -> String {
    let list = list.to_ascii_lowercase();
    let mut words: Vec<&str> = Vec::new();
    for (rules, word) in [
        (
            &["singlequotedstring", "decimal", "double", "true", "false"][..],
            "a value ('text', a number, TRUE or FALSE)",
        ),
        (&["identifier"][..], "a field"),
        (&["expressioninparentheses", "lparen"][..], "'('"),
        (&["rparen"][..], "')'"),
        (
            &["eq", "noteq", "lt", "gt", "like", "in", "is"][..],
            "a comparison (=, <>, <, <=, >, >=, IN, LIKE, IS NULL)",
        ),
        (&["and", "or"][..], "AND or OR"),
        (&["eoi"][..], "the end of the filter"),
    ] {
        if rules
            .iter()
            .any(|r| list.split(|c: char| !c.is_alphanumeric()).any(|w| w == *r))
        {
            words.push(word);
        }
    }
    if words.len() > 1 {
        words.retain(|w| *w != "AND or OR");
    }
    if words.is_empty() {
        "the filter does not parse there".to_owned()
    } else {
        format!("expected {}", words.join(", or "))
    }
}
