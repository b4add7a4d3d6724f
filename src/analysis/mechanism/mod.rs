//! The rule mechanisms, one file each: `attribution` (an actor credited
//! with another concept's work, from the kinds of evidence in
//! `analysis::evidence`) and `synonym` (two concepts presented as one).

pub mod attribution;
pub mod synonym;

use super::sentence::Sentence;
use super::Finding;
use crate::terms::Mechanism;

/// Run every rule of the database on a sentence.
pub fn check(s: &Sentence<'_>, out: &mut Vec<Finding>) {
    if s.not_asserted {
        return; // the writer is discussing, asking or supposing, not asserting
    }
    for (i, rule) in s.db.rules.iter().enumerate() {
        match rule.mechanism {
            Mechanism::Attribution => attribution::check(s, i, out),
            Mechanism::Synonym => synonym::check(s, rule, out),
        }
    }
}
