//! Human-readable explanations of terms, as Markdown. Used by hover and by
//! `peace-lsp explain`; knows nothing of LSP.

use super::{Database, Term};

fn concept_label(db: &Database, concept: &str) -> String {
    db.get(concept).map_or_else(|| concept.to_string(), |t| t.label.clone())
}

/// The concept an entry's hover contrasts it with.
fn confused_concept<'a>(db: &'a Database, t: &'a Term) -> Option<&'a str> {
    t.confused_with
        .as_deref()
        .filter(|c| super::CONCEPTS.contains(c))
        .or_else(|| db.get(&t.concept).and_then(|c| c.confused_with.as_deref()))
        .filter(|c| *c != t.concept)
}

/// The hover card: definition, concept, contrast, key facts, sources.
pub fn hover_markdown(db: &Database, t: &Term) -> String {
    let mut s = format!("**{}** · {}", t.label, t.kind.replace('-', " "));
    if t.kind == "other-sense" {
        s.push_str("\n\n");
        s.push_str(&t.short);
        s.push_str("\n\n_Not a peace-operations term: peace-lsp does not check it._");
        return s;
    }
    if t.concept != t.id {
        s.push_str(&format!(" · part of **{}**", concept_label(db, &t.concept)));
    }
    s.push_str("\n\n");
    s.push_str(&t.short);
    if let Some(other) = confused_concept(db, t) {
        if let Some(c) = db.contrast(&t.concept, other) {
            s.push_str(&format!(
                "\n\n**Not the same as {}:** {}",
                concept_label(db, other).to_lowercase(),
                c.summary
            ));
        }
    }
    if !t.facts.is_empty() {
        s.push_str("\n\n**Key facts**\n");
        for f in &t.facts {
            s.push_str(&format!("\n- {}", f.get_ref().render()));
        }
    }
    push_sources(&mut s, t);
    s
}

fn push_sources(s: &mut String, t: &Term) {
    if !t.sources.is_empty() {
        s.push_str("\n\n**Sources**\n");
        for src in &t.sources {
            s.push_str(&format!("\n- {src}"));
        }
    }
}

/// The long form for `peace-lsp explain`: hover text, explanation,
/// translations and the full comparison table.
pub fn explain_markdown(db: &Database, t: &Term) -> String {
    let mut s = hover_markdown(db, t);
    s.push_str(&format!("\n\n**Explanation**\n\n{}", t.explanation));
    if !t.translations.is_empty() {
        s.push_str("\n\n**UN terms in other languages**\n");
        for (lang, forms) in &t.translations {
            s.push_str(&format!("\n- {lang}: {}", forms.join(", ")));
        }
    }
    let mut forms: Vec<&str> = t.variants.iter().map(String::as_str).collect();
    forms.dedup();
    s.push_str(&format!("\n\n**Recognised as:** {}", forms.join(", ")));
    if let Some(other) = confused_concept(db, t) {
        if let Some(c) = db.contrast(&t.concept, other) {
            s.push_str(&format!("\n\n{}", comparison_table(db, c)));
        }
    }
    s
}

/// A contrast as a Markdown table.
pub fn comparison_table(db: &Database, c: &super::Contrast) -> String {
    let (a, b) = (concept_label(db, &c.a), concept_label(db, &c.b));
    let mut s = format!("**{a} vs {b}**\n\n{}\n\n| | {a} | {b} |\n|---|---|---|", c.summary);
    for d in &c.dimension {
        s.push_str(&format!("\n| {} | {} | {} |", d.name, d.a, d.b));
    }
    if !c.sources.is_empty() {
        s.push_str(&format!("\n\nSources: {}", c.sources.join("; ")));
    }
    s
}

/// The explanation behind a finding: the rule, the flagged term, and the
/// comparison between the concept used and the concept meant.
pub fn explain_finding(db: &Database, code: &str, term_id: Option<&str>) -> Option<String> {
    let rules: Vec<&super::RuleSpec> = db.rules.iter().filter(|r| r.code == code).collect();
    let first = rules.first()?;
    let term = term_id.and_then(|id| db.get(id));
    let mut s = format!(
        "# {} (`{code}`)\n\n{}",
        first.title,
        first
            .message
            .replace("{term}", term.map_or("", |t| t.label.as_str()))
            .replace("{other}", "another concept")
    );
    if let Some(t) = term {
        s.push_str(&format!("\n\n## {}\n\n{}\n\n{}", t.label, t.short, t.explanation));
    }
    // The concepts the rule keeps apart: the term's concept and the work.
    let actor = term
        .map(|t| t.concept.as_str())
        .or_else(|| first.actor_concepts.first().map(String::as_str));
    let work = rules
        .iter()
        .find(|r| term.is_none_or(|t| r.actor_concepts.contains(&t.concept)))
        .and_then(|r| r.work_concept.as_deref());
    let contrast = match (actor, work) {
        (Some(a), Some(w)) => db.contrast(a, w),
        (Some(a), None) => term
            .and_then(|t| confused_concept(db, t))
            .and_then(|o| db.contrast(a, o)),
        _ => None,
    };
    if let Some(c) = contrast {
        s.push_str(&format!("\n\n{}", comparison_table(db, c)));
    }
    Some(s)
}
