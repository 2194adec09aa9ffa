//! Filling a message's `{name}` placeholders in one pass, so a value that itself contains
//! braces (a display name such as "{b}") is never read as a placeholder.

use std::fmt;

/// `message` with each `{name}` replaced by its value in `args`; unknown placeholders stay.
pub fn fill(message: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(message.len() + 16);
    // Writing into a `String` cannot fail.
    let _ = fill_into(&mut out, message, args);
    out
}

/// [`fill`] written into `out` (a page being rendered) with values that are written as they
/// are needed, so that a message on a page costs no string of its own.
pub fn fill_into<V: fmt::Display>(
    out: &mut dyn fmt::Write,
    message: &str,
    args: &[(&str, V)],
) -> fmt::Result {
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        out.write_str(&rest[..open])?;
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => write!(out, "{value}")?,
                    None => {
                        out.write_char('{')?;
                        out.write_str(name)?;
                        out.write_char('}')?;
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.write_str(&rest[open..])?;
                rest = "";
            }
        }
    }
    out.write_str(rest)
}

/// A message with one placeholder, filled as it is written (`layout.tv` on a page).
#[derive(Debug, Clone, Copy)]
pub struct Filled<'a> {
    pub message: &'a str,
    pub name: &'a str,
    pub value: &'a str,
}

impl fmt::Display for Filled<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fill_into(f, self.message, &[(self.name, self.value)])
    }
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn placeholders_are_filled_once_and_values_are_left_alone() {
        assert_eq!(
            fill("{a} and {b}", &[("a", "{b}"), ("b", "bob")]),
            "{b} and bob"
        );
        assert_eq!(fill("{n}分前", &[("n", "3")]), "3分前");
        assert_eq!(fill("{missing} {", &[]), "{missing} {");
    }
}
