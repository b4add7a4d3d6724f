//! Quick fixes computed with a finding, as byte edits.

use super::sentence::{Sentence, Span};
use super::{Edit, Fix};
use crate::terms::RuleSpec;

/// "Replace "peacekeepers" with "peacemakers"", one per replacement word,
/// for the term of actor `a` that the rule offers replacements for.
pub fn replacements(s: &Sentence<'_>, rule: &RuleSpec, a: usize) -> Vec<Fix> {
    let actor = &s.actors[a];
    // The term in the phrase to rewrite, and its source range.
    let target = actor
        .spans
        .iter()
        .map(|&i| (s.terms[i].item, s.terms[i].range.clone()))
        .rev()
        .find(|(t, _)| rule.replacements.contains_key(&s.db.terms[*t].id))
        .or_else(|| {
            rule.replacements
                .contains_key(&s.db.terms[actor.term].id)
                .then(|| (actor.term, actor.range.clone()))
        });
    let Some((term, range)) = target else {
        return Vec::new();
    };
    let original = &*s.source(range.clone());
    rule.replacements
        .get(&s.db.terms[term].id)
        .into_iter()
        .flatten()
        .map(|w| {
            let new = super::inflect(original, w);
            Fix {
                title: format!("Replace \"{original}\" with \"{new}\""),
                edits: vec![Edit {
                    range: range.clone(),
                    text: new,
                }],
            }
        })
        .collect()
}

/// For "X, also known as Y," and "X (i.e. Y)": drop the false gloss, or turn
/// it into a contrast. For "X/Y": write two activities.
pub fn gloss(s: &Sentence<'_>, a: &Span, b: &Span) -> Vec<Fix> {
    let text = s.text;
    let between = &text[a.range.end..b.range.start];
    let after = text[b.range.end..].chars().next();
    let (x, y) = (&text[a.range.clone()], &text[b.range.clone()]);
    let opener = between.trim_start().chars().next();
    let mut fixes = Vec::new();
    match (opener, after) {
        (Some(','), Some(',')) | (Some('('), Some(')')) => {
            let close = b.range.end + 1;
            fixes.push(Fix {
                title: format!("Remove the gloss \"{}\"", text[a.range.end..close].trim()),
                edits: vec![Edit {
                    range: a.range.end..close,
                    text: String::new(),
                }],
            });
            let contrast = if opener == Some(',') {
                ", as distinct from "
            } else {
                " (as distinct from "
            };
            fixes.push(Fix {
                title: format!("Rewrite as a contrast: \"{x}{contrast}{y}\""),
                edits: vec![Edit {
                    range: a.range.end..b.range.start,
                    text: contrast.to_string(),
                }],
            });
        }
        (Some('/'), _) => fixes.push(Fix {
            title: format!("Name two activities: \"{x} and {y}\""),
            edits: vec![Edit {
                range: a.range.end..b.range.start,
                text: " and ".to_string(),
            }],
        }),
        _ => {}
    }
    fixes
}
