//! Filling a message's `{name}` placeholders in one pass, so a value that itself contains
//! braces (a display name such as "{b}") is never read as a placeholder.

/// `message` with each `{name}` replaced by its value in `args`; unknown placeholders stay.
pub fn fill(message: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(message.len() + 16);
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
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
