//! Learning aids computed from a document's text and its analysis: word
//! completion, concept colouring, the outline and the writer's own
//! definitions, links on rule codes and the one-line summary. Plain data in
//! source byte offsets, like the rest of the core; `server` turns it into
//! LSP types.

pub mod complete;
pub mod define;
pub mod links;
pub mod outline;
pub mod summary;
pub mod tokens;

/// The concept family a term belongs to (the colour it gets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    ConflictPrevention,
    Peacemaking,
    Peacekeeping,
    PeaceEnforcement,
    Peacebuilding,
    /// Any other concept of the database (`ongoing-war`, `none`, a
    /// glossary's own).
    Other,
}

impl Family {
    /// Every family, in a fixed order (the semantic token legend's).
    pub const ALL: [Family; 6] = [
        Family::ConflictPrevention,
        Family::Peacemaking,
        Family::Peacekeeping,
        Family::PeaceEnforcement,
        Family::Peacebuilding,
        Family::Other,
    ];

    /// The family of a term's `concept`.
    pub fn of(concept: &str) -> Family {
        match concept {
            "conflict-prevention" => Family::ConflictPrevention,
            "peacemaking" => Family::Peacemaking,
            "peacekeeping" => Family::Peacekeeping,
            "peace-enforcement" => Family::PeaceEnforcement,
            "peacebuilding" => Family::Peacebuilding,
            _ => Family::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::{Database, CONCEPTS};

    #[test]
    fn the_five_concepts_have_their_own_family_and_the_rest_share_one() {
        for (i, c) in CONCEPTS.iter().enumerate() {
            assert_eq!(Family::of(c), Family::ALL[i], "{c}");
        }
        assert_eq!(Family::of("ongoing-war"), Family::Other);
        assert_eq!(Family::of("none"), Family::Other);
        // Every term of the database falls somewhere.
        let db = Database::builtin();
        assert!(db.terms.iter().any(|t| Family::of(&t.concept) == Family::Other));
    }
}
