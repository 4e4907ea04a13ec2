//! Multi-row statements: one round trip for many rows, which is most of what a bulk write
//! (a site import) costs on SQLite.

/// Rows one multi-row statement carries: far under both engines' parameter limits.
pub(crate) const ROWS_PER_STATEMENT: usize = 100;

/// `($1, $2), ($3, $4)`: `rows` rows of `width` parameters.
pub(crate) fn placeholders(rows: usize, width: usize) -> String {
    rows_of(rows, width, |first| {
        let cells: Vec<String> = (first..first + width).map(|n| format!("${n}")).collect();
        format!("({})", cells.join(", "))
    })
}

/// `rows` rows of `width` parameters each, every row written by `row` from the number
/// of its first parameter (for rows that mix parameters and fixed values).
pub(crate) fn rows_of(rows: usize, width: usize, row: impl Fn(usize) -> String) -> String {
    (0..rows)
        .map(|r| row(r * width + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_run_on_across_rows() {
        assert_eq!(placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(placeholders(0, 3), "");
        assert_eq!(
            rows_of(2, 1, |p| format!("(${p}, 'x')")),
            "($1, 'x'), ($2, 'x')"
        );
    }
}
