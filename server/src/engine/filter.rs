//! Attribute filters: a subset of CQL2-text, for tiles and features alike.
//!
//! ```text
//! expr       := term (OR term)*
//! term       := factor (AND factor)*
//! factor     := NOT factor | '(' expr ')' | predicate
//! predicate  := field op literal | field [NOT] IN '(' literal, … ')'
//!             | field IS [NOT] NULL | field [NOT] LIKE 'pattern'
//! op         := = | <> | < | <= | > | >=
//! literal    := 'text' | number | TRUE | FALSE
//! field      := name | "quoted name"
//! ```
//! Keywords are case-insensitive; `%` and `_` are the LIKE wildcards.
//!
//! A filter is bounded before any of it is evaluated: at most [`MAX_LENGTH`] characters,
//! [`MAX_DEPTH`] levels of parentheses and `NOT`, and [`MAX_PREDICATES`] comparisons, so
//! no filter, however built, can exhaust the stack or the processor.

use std::cmp::Ordering;

use serde_json::{Map, Value};

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

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
    Text(String),
    Number(f64),
    Op(Op),
    Open,
    Close,
    Comma,
}

fn tokens(s: &str) -> Result<Vec<(usize, Token)>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok =
            match c {
                '(' => {
                    i += 1;
                    Token::Open
                }
                ')' => {
                    i += 1;
                    Token::Close
                }
                ',' => {
                    i += 1;
                    Token::Comma
                }
                '=' => {
                    i += 1;
                    Token::Op(Op::Eq)
                }
                '<' | '>' => {
                    let next = chars.get(i + 1).copied();
                    let (op, len) = match (c, next) {
                        ('<', Some('>')) => (Op::Ne, 2),
                        ('<', Some('=')) => (Op::Le, 2),
                        ('>', Some('=')) => (Op::Ge, 2),
                        ('<', _) => (Op::Lt, 1),
                        _ => (Op::Gt, 1),
                    };
                    i += len;
                    Token::Op(op)
                }
                '\'' | '"' => {
                    let quote = c;
                    let mut text = String::new();
                    i += 1;
                    loop {
                        match chars.get(i) {
                            None => {
                                return Err(format!(
                                    "unterminated {quote}…{quote} starting at position {}",
                                    start + 1
                                ));
                            }
                            Some(&q) if q == quote && chars.get(i + 1) == Some(&quote) => {
                                text.push(quote);
                                i += 2;
                            }
                            Some(&q) if q == quote => {
                                i += 1;
                                break;
                            }
                            Some(&other) => {
                                text.push(other);
                                i += 1;
                            }
                        }
                    }
                    if quote == '\'' {
                        Token::Text(text)
                    } else {
                        Token::Quoted(text)
                    }
                }
                c if c.is_ascii_digit() || c == '-' || c == '.' => {
                    while i < chars.len()
                        && (chars[i].is_ascii_digit()
                            || matches!(chars[i], '-' | '+' | '.' | 'e' | 'E'))
                    {
                        i += 1;
                    }
                    let text: String = chars[start..i].iter().collect();
                    Token::Number(text.parse().map_err(|_| {
                        format!("'{text}' at position {} is not a number", start + 1)
                    })?)
                }
                c if c.is_alphanumeric() || c == '_' => {
                    while i < chars.len()
                        && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '-' | ':'))
                    {
                        i += 1;
                    }
                    Token::Word(chars[start..i].iter().collect())
                }
                other => return Err(format!("unexpected '{other}' at position {}", start + 1)),
            };
        out.push((start + 1, tok));
    }
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<(usize, Token)>,
    pos: usize,
    fields: &'a [String],
    depth: usize,
    predicates: usize,
}

fn is_kw(t: Option<&Token>, kw: &str) -> bool {
    matches!(t, Some(Token::Word(w)) if w.eq_ignore_ascii_case(kw))
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos).map(|t| &t.1)
    }
    fn at(&self) -> String {
        self.toks
            .get(self.pos)
            .map_or_else(|| "the end".to_owned(), |t| format!("position {}", t.0))
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).map(|t| t.1.clone());
        self.pos += 1;
        t
    }
    fn keyword(&mut self, kw: &str) -> bool {
        if is_kw(self.peek(), kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Result<Filter, String> {
        let mut left = self.term()?;
        while self.keyword("OR") {
            left = Filter::Or(Box::new(left), Box::new(self.term()?));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Filter, String> {
        let mut left = self.factor()?;
        while self.keyword("AND") {
            left = Filter::And(Box::new(left), Box::new(self.factor()?));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Filter, String> {
        if is_kw(self.peek(), "NOT") || self.peek() == Some(&Token::Open) {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(format!(
                    "the filter nests deeper than {MAX_DEPTH} levels of parentheses and NOT at {}: simplify it",
                    self.at()
                ));
            }
            let inner = if self.keyword("NOT") {
                Filter::Not(Box::new(self.factor()?))
            } else {
                self.pos += 1;
                let inner = self.expr()?;
                if self.next() != Some(Token::Close) {
                    return Err(format!("expected ')' before {}", self.at()));
                }
                inner
            };
            self.depth -= 1;
            return Ok(inner);
        }
        self.predicates += 1;
        if self.predicates > MAX_PREDICATES {
            return Err(format!(
                "the filter has more than {MAX_PREDICATES} comparisons: use IN (…) for lists of values"
            ));
        }
        self.predicate()
    }

    fn field(&mut self) -> Result<String, String> {
        let at = self.at();
        let name = match self.next() {
            Some(Token::Word(w) | Token::Quoted(w)) => w,
            _ => return Err(format!("expected a field name at {at}")),
        };
        if !self.fields.contains(&name) {
            return Err(format!(
                "unknown field '{name}' in filter: the fields are {}",
                self.fields.join(", ")
            ));
        }
        Ok(name)
    }

    fn literal(&mut self) -> Result<Literal, String> {
        let at = self.at();
        match self.next() {
            Some(Token::Text(t)) => Ok(Literal::Text(t)),
            Some(Token::Number(n)) => Ok(Literal::Number(n)),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("true") => Ok(Literal::Bool(true)),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("false") => Ok(Literal::Bool(false)),
            _ => Err(format!(
                "expected a value ('text', a number, TRUE or FALSE) at {at}"
            )),
        }
    }

    fn predicate(&mut self) -> Result<Filter, String> {
        let field = self.field()?;
        if let Some(Token::Op(op)) = self.peek().cloned() {
            self.pos += 1;
            return Ok(Filter::Compare(field, op, self.literal()?));
        }
        let negated = self.keyword("NOT");
        let p = if self.keyword("IN") {
            if self.next() != Some(Token::Open) {
                return Err(format!("expected '(' after IN at {}", self.at()));
            }
            let mut list = vec![self.literal()?];
            loop {
                match self.next() {
                    Some(Token::Comma) => list.push(self.literal()?),
                    Some(Token::Close) => break,
                    _ => {
                        return Err(format!(
                            "expected ',' or ')' in the IN list before {}",
                            self.at()
                        ));
                    }
                }
            }
            Filter::In(field, list)
        } else if self.keyword("LIKE") {
            match self.literal()? {
                Literal::Text(p) => Filter::Like(field, p),
                _ => return Err("LIKE needs a 'text' pattern".into()),
            }
        } else if !negated && self.keyword("IS") {
            let not = self.keyword("NOT");
            if !self.keyword("NULL") {
                return Err(format!("expected NULL at {}", self.at()));
            }
            let f = Filter::IsNull(field);
            return Ok(if not { Filter::Not(Box::new(f)) } else { f });
        } else {
            return Err(format!(
                "expected a comparison (=, <>, <, <=, >, >=, IN, LIKE, IS NULL) after '{field}' at {}",
                self.at()
            ));
        };
        Ok(if negated { Filter::Not(Box::new(p)) } else { p })
    }
}

impl Filter {
    /// Parses `text`, accepting only the given field names.
    ///
    /// # Errors
    /// A message naming the unknown field or where the syntax is wrong.
    pub fn parse(text: &str, fields: &[String]) -> Result<Self, String> {
        let length = text.chars().count();
        if length > MAX_LENGTH {
            return Err(format!(
                "the filter is {length} characters long, more than {MAX_LENGTH}: simplify it"
            ));
        }
        let toks = tokens(text)?;
        if toks.is_empty() {
            return Err("the filter is empty".into());
        }
        let mut p = Parser {
            toks,
            pos: 0,
            fields,
            depth: 0,
            predicates: 0,
        };
        let f = p.expr()?;
        if p.pos < p.toks.len() {
            return Err(format!("unexpected text at {}", p.at()));
        }
        Ok(f)
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
        }
    }
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
        let err = |f: &str| Filter::parse(f, &fields()).unwrap_err();
        assert_eq!(
            err("colour = 'red'"),
            "unknown field 'colour' in filter: the fields are theme, class, population, name, code"
        );
        assert_eq!(
            err("theme = "),
            "expected a value ('text', a number, TRUE or FALSE) at the end"
        );
        assert_eq!(
            err("theme = 'flood"),
            "unterminated '…' starting at position 9"
        );
        assert_eq!(err("(theme = 'flood'"), "expected ')' before the end");
        assert_eq!(err("theme ~ 'x'"), "unexpected '~' at position 7");
        assert_eq!(
            err("theme 'x'"),
            "expected a comparison (=, <>, <, <=, >, >=, IN, LIKE, IS NULL) after 'theme' at position 7"
        );
        assert_eq!(err("theme = 'a' 'b'"), "unexpected text at position 13");
    }

    #[test]
    fn deep_long_and_wide_filters_are_refused_not_followed() {
        let fields = fields();
        let deep = format!("{}theme = 'x'{}", "(".repeat(3000), ")".repeat(3000));
        assert!(
            Filter::parse(&deep, &fields)
                .unwrap_err()
                .starts_with("the filter is 6011 characters long")
        );
        let nested = format!("{}theme = 'x'{}", "(".repeat(40), ")".repeat(40));
        assert_eq!(
            Filter::parse(&nested, &fields).unwrap_err(),
            "the filter nests deeper than 32 levels of parentheses and NOT at position 33: simplify it"
        );
        let nots = format!("{}theme = 'x'", "NOT ".repeat(33));
        assert!(
            Filter::parse(&nots, &fields)
                .unwrap_err()
                .contains("deeper than 32")
        );
        let wide = vec!["code = 1"; 300].join(" OR ");
        assert_eq!(
            Filter::parse(&wide, &fields).unwrap_err(),
            "the filter has more than 256 comparisons: use IN (…) for lists of values"
        );
        let ok = format!("{}theme = 'flood'{}", "(".repeat(32), ")".repeat(32));
        assert!(Filter::parse(&ok, &fields).unwrap().matches(&props()));
    }
}
