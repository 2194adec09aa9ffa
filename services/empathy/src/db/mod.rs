//! The empathy service's tables: `yeahs` and `yeah_counts`.

pub mod yeahs;
