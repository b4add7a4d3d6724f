//! Behaviour of the analysis on sentences written for these tests (not the
//! corpus): each rule fires on its mistake and stays quiet on the traps.

use super::*;

fn findings(text: &str, format: Format) -> Vec<(String, String)> {
    let db = Database::builtin();
    analyze(text, format, db)
        .findings
        .into_iter()
        .map(|f| (f.code, text[f.range].to_string()))
        .collect()
}

fn plain(text: &str) -> Vec<(String, String)> {
    findings(text, Format::Plain)
}

fn assert_flags(text: &str, code: &str, term: &str) {
    let got = plain(text);
    assert!(
        got.iter().any(|(c, t)| c == code && t == term),
        "expected {code} on {term:?} in {text:?}, got {got:?}"
    );
}

fn assert_clean(text: &str) {
    let got = plain(text);
    assert!(got.is_empty(), "expected no findings in {text:?}, got {got:?}");
}

#[test]
fn the_headline_mistake_is_flagged_on_the_actor() {
    let got = plain("UN peacekeepers negotiated the Dayton Accords.");
    assert_eq!(
        got,
        [("peacekeeping-as-peacemaking".to_string(), "peacekeepers".to_string())]
    );
}

#[test]
fn peacekeepers_credited_with_peacemaking() {
    assert_flags(
        "In 1994 the blue helmets brokered a ceasefire agreement between the two armies.",
        "peacekeeping-as-peacemaking",
        "blue helmets",
    );
    assert_flags(
        "The peace treaty was mediated by UNIFIL in 1983.",
        "peacekeeping-as-peacemaking",
        "UNIFIL",
    );
    assert_flags(
        "Peacekeepers who had arrived in the spring drafted the final settlement.",
        "peacekeeping-as-peacemaking",
        "Peacekeepers",
    );
    assert_flags(
        "The peacekeepers in Cyprus eventually hammered out a federal constitution.",
        "peacekeeping-as-peacemaking",
        "peacekeepers",
    );
    assert_flags(
        "Peacekeeping means mediating between governments until they sign a settlement.",
        "peacekeeping-as-peacemaking",
        "Peacekeeping",
    );
}

#[test]
fn peacemaking_credited_with_peacekeeping() {
    assert_flags(
        "Two thousand peacemaking troops guarded the airport.",
        "peacemaking-as-peacekeeping",
        "peacemaking",
    );
    assert_flags(
        "The peacemakers patrolled the ceasefire line every night.",
        "peacemaking-as-peacekeeping",
        "peacemakers",
    );
    assert_flags(
        "The envoy deployed three battalions along the border.",
        "peacemaking-as-peacekeeping",
        "envoy",
    );
    assert_flags(
        "Peacemaking is the deployment of armed contingents between the parties.",
        "peacemaking-as-peacekeeping",
        "Peacemaking",
    );
}

#[test]
fn terms_presented_as_synonyms() {
    assert_flags(
        "Peacebuilding, also known as peacekeeping, starts after a war.",
        "terms-as-synonyms",
        "Peacebuilding",
    );
    assert_flags(
        "The peacekeeping/peacemaking debate is old.",
        "terms-as-synonyms",
        "peacekeeping",
    );
    assert_flags(
        "I use peacemaking and peacekeeping interchangeably in this essay.",
        "terms-as-synonyms",
        "peacemaking",
    );
    assert_flags(
        "Peace enforcement (i.e. peacekeeping) needs a Security Council mandate.",
        "terms-as-synonyms",
        "Peace enforcement",
    );
    assert_flags(
        "Peacemaking is just another name for peacebuilding.",
        "terms-as-synonyms",
        "Peacemaking",
    );
}

#[test]
fn contrast_negation_and_quotation_stay_quiet() {
    assert_clean("Whereas mediators negotiate a settlement, peacekeepers monitor it.");
    assert_clean("Unlike peacekeepers, mediators negotiate agreements.");
    assert_clean("Peacekeepers did not negotiate the Dayton Accords; Richard Holbrooke did.");
    assert_clean("Peacekeepers never negotiate peace treaties.");
    assert_clean("Rather than negotiating the accord, the peacekeepers monitored its implementation.");
    assert_clean("It is a common mistake to say that peacekeepers negotiated the Oslo Accords.");
    assert_clean("The claim that \"peacekeepers negotiated the treaty\" confuses two roles.");
    assert_clean("Peacemakers negotiate while peacekeepers patrol.");
}

#[test]
fn legitimate_blurs_stay_quiet() {
    // Good offices of an SRSG or head of mission.
    assert_clean("The SRSG mediated between the government and the opposition.");
    assert_clean("The head of mission used her good offices to broker a compromise.");
    // Tactical negotiation by peacekeepers.
    assert_clean("Peacekeepers negotiated access for aid convoys through the checkpoint.");
    assert_clean("The blue helmets negotiated the release of the hostages.");
    assert_clean("UNIFIL negotiated a local ceasefire so that villagers could bury their dead.");
    // Supporting an agreement others negotiated.
    assert_clean("Peacekeepers monitored the agreement that the parties had negotiated in Lusaka.");
    assert_clean("The peacekeepers helped the parties negotiate a withdrawal plan.");
    assert_clean("UNMIL supported the implementation of the Accra peace agreement.");
    assert_clean("The accord was negotiated by Norwegian diplomats, and peacekeepers later monitored it.");
    // Multidimensional missions, DDR, elections.
    assert_clean("Peacekeepers supported the disarmament of former combatants and the 2005 elections.");
    // Military support to peacemaking, and peacemaking backed by peacekeepers.
    assert_clean("US doctrine describes military support to peacemaking, such as deploying liaison officers.");
    assert_clean("The envoy's peacemaking was backed by peacekeepers who patrolled the buffer zone.");
}

#[test]
fn unrelated_senses_stay_quiet() {
    assert_clean("The Colt Peacemaker was deployed by cavalry units in the 1870s.");
    assert_clean("The Peacekeeper missile was deployed in silos in Wyoming.");
    assert_clean("\"Blessed are the peacemakers\" is carved over the door.");
    assert_clean("My sister is the peacemaker in our family: she patrols the kitchen when we argue.");
}

#[test]
fn lists_and_explicit_distinctions_are_not_synonyms() {
    assert_clean("The Agenda for Peace defined preventive diplomacy, peacemaking, peacekeeping and peacebuilding.");
    assert_clean("Whether peacekeeping or peacemaking works better depends on the conflict.");
    assert_clean("Peacekeeping is not the same as peacemaking.");
    assert_clean("Peacekeeping, as distinct from peacemaking, needs the consent of the parties.");
    assert_clean("Students often treat peacemaking and peacekeeping as the same thing, which is a mistake.");
}

#[test]
fn markup_is_not_prose() {
    let md = "# Notes\n\n```\npeacekeepers negotiated the Dayton Accords\n```\n\nUse `peacekeepers negotiated` as a bad example.\n\n<!-- peacekeepers negotiated the treaty -->\n";
    assert!(findings(md, Format::Markdown).is_empty());
    let tex = "\\emph{Peacekeepers} negotiated the Dayton Accords \\cite{holbrooke}. % peacemakers patrolled\n";
    assert_eq!(
        findings(tex, Format::Latex),
        [("peacekeeping-as-peacemaking".to_string(), "Peacekeepers".to_string())]
    );
    let quote = "> Peacekeepers negotiated the accords.\n\nThis quotation is wrong.";
    assert!(findings(quote, Format::Markdown).is_empty());
}

#[test]
fn terms_are_found_in_every_spelling_and_language() {
    let db = Database::builtin();
    let text = "Peace-keeping, peace keeping, UNEF I, UNEF II, An Agenda for Peace, blue helmets, \
                maintien de la paix, consolidación de la paz, casques bleus, Chapter VI and a half, SRSG.";
    let ids: Vec<&str> = find_terms(text, Format::Plain, db)
        .iter()
        .map(|h| db.terms[h.term].id.as_str())
        .collect();
    for want in [
        "peacekeeping",
        "unef-i",
        "unef-ii",
        "agenda-for-peace",
        "blue-helmets",
        "peacebuilding",
        "chapter-vi-and-a-half",
        "srsg",
    ] {
        assert!(ids.contains(&want), "{want} not in {ids:?}");
    }
    assert_eq!(ids.iter().filter(|i| **i == "peacekeeping").count(), 3, "{ids:?}");
}

#[test]
fn term_at_finds_the_term_under_the_cursor() {
    let db = Database::builtin();
    let text = "The blue helmets left.";
    let a = analyze(text, Format::Plain, db);
    let start = text.find("blue").unwrap();
    for off in [start, start + 6, start + "blue helmets".len()] {
        assert_eq!(a.term_at(off).map(|h| h.range.clone()), Some(start..start + 12));
    }
    assert!(a.term_at(0).is_none());
}

#[test]
fn odd_input_never_panics() {
    let db = Database::builtin();
    for text in [
        "",
        " ",
        "\u{0}",
        "peacekeepers",
        "...",
        "\"",
        "‘’“”",
        "\\begin{",
        "```",
        "$$",
        "😀\r\r\n\u{2028}",
        &"peacekeepers negotiated. ".repeat(1000),
    ] {
        for format in [Format::Plain, Format::Markdown, Format::Latex] {
            let _ = analyze(text, format, db);
        }
    }
}

/// Writing the rules were never shown: one very long sentence, a very wide
/// table, shouting, another language, a hyphenated pair of concepts. Each is
/// analysed to the end, and what is wrong in it is still found.
#[test]
fn hostile_shapes_of_writing() {
    let slip = "The peacekeepers negotiated the peace treaty";
    // A 2,000-word sentence with the slip at its end.
    let long = format!(
        "{}{slip}.",
        "and the mission stayed in the country for a long time ".repeat(200)
    );
    assert!(long.split_whitespace().count() > 2000);
    assert!(findings(&long, Format::Plain)
        .iter()
        .any(|(c, _)| c == "peacekeeping-as-peacemaking"));
    // A Markdown table of 500 columns with the slip in one cell.
    let header = format!("|{}|\n|{}|\n", "h|".repeat(500), "-|".repeat(500));
    let row = format!("|{}{slip}.|\n", "x|".repeat(499));
    let _ = findings(&format!("{header}{row}"), Format::Markdown);
    // All capitals.
    assert!(
        findings(&format!("{}.", slip.to_uppercase()), Format::Plain)
            .iter()
            .any(|(c, _)| c == "peacekeeping-as-peacemaking"),
        "shouted slip"
    );
    // Another language: a note, never a rule finding.
    let fr = "Les casques bleus ont patrouillé la zone tampon pendant des années, et les médiateurs ont négocié un accord de paix entre les parties au conflit, avec le soutien du Conseil de sécurité.";
    let got = findings(fr, Format::Plain);
    assert!(got.iter().all(|(c, _)| c == crate::analysis::OTHER_LANGUAGE), "{got:?}");
    // Rule ids and hyphenated pairs are words, not two concepts side by side.
    assert_clean("The peacekeeping-peacemaking relationship is studied here.");
}

#[test]
fn a_pronoun_subject_refers_to_the_previous_sentence() {
    let text =
        "UNIFIL arrived in southern Lebanon in 1978. It later negotiated a peace treaty between Israel and Lebanon.";
    assert_eq!(
        plain(text),
        [("peacekeeping-as-peacemaking".to_string(), "UNIFIL".to_string())]
    );
    let text = "The blue helmets reached the capital in May. These troops then brokered the ceasefire agreement.";
    assert_eq!(
        plain(text),
        [("peacekeeping-as-peacemaking".to_string(), "blue helmets".to_string())]
    );
    // Not across a paragraph, not when negated, not when the pronoun has a nearer noun.
    assert_clean("UNIFIL arrived in 1978.\n\nIt negotiated a peace treaty.");
    assert_clean("UNIFIL arrived in 1978. It did not negotiate the peace treaty.");
    assert_clean("UNIFIL arrived in 1978. The parties said they negotiated the treaty themselves.");
    assert_clean("Mediators met the parties in Geneva. They negotiated a ceasefire agreement.");
}

#[test]
fn hypotheses_are_not_claims() {
    assert_clean("If peacekeepers negotiated peace treaties, they would be peacemakers.");
    assert_clean("Imagine that the blue helmets brokered the accord.");
}

#[test]
fn bargaining_explained_later_in_the_sentence_is_tactical() {
    assert_clean(
        "Its peacekeepers did negotiate constantly, but what they bargained for was local: passage for an aid convoy through a checkpoint, the release of detained drivers.",
    );
    // A settlement in the clause is not explained away by later errands.
    assert_flags(
        "The peacekeepers negotiated the peace agreement, which later opened the roads for aid convoys.",
        "peacekeeping-as-peacemaking",
        "peacekeepers",
    );
}

#[test]
fn a_description_in_apposition_names_the_actor() {
    assert_flags(
        "UNMIS, the mission that negotiated the peace agreement, left in 2011.",
        "peacekeeping-as-peacemaking",
        "UNMIS",
    );
    assert_flags(
        "The Peacebuilding Commission, the UN body that sends troops to countries emerging from war, will meet next week.",
        "peacebuilding-as-peacekeeping",
        "Peacebuilding Commission",
    );
    // Past a phrase of time.
    assert_flags(
        "The book traces the creation of DPKO in 1992, a department that within two years had mediated the Arusha Accords.",
        "peacekeeping-as-peacemaking",
        "DPKO",
    );
    assert_clean("UN peacekeepers arrived in 1993, a year that saw the mediators sign the accord.");
    // The description is of the phrase right before it, not the subject.
    assert_clean("The peacekeepers escorted Mr Annan, the envoy who brokered the deal.");
    // A list is not an apposition.
    assert_clean("UNMIS monitored the ceasefire, the troops and the police who negotiated local passage.");
}

#[test]
fn winning_against_an_army_is_war_fighting() {
    assert_flags(
        "The mediators sent the army into Kuwait in 1991 and they won against Iraq.",
        "peacemaking-as-enforcement",
        "mediators",
    );
    assert_clean("The mediators won praise for the accord.");
}

#[test]
fn authorising_an_act_is_doing_it() {
    assert_flags(
        "The Council is considering a peacemaking operation that would authorise air strikes against militia positions.",
        "peacemaking-as-enforcement",
        "peacemaking",
    );
    assert_clean("The Council authorised air strikes in 1995, while peacekeepers stayed neutral.");
}

#[test]
fn the_manner_of_a_caused_act_is_the_causers() {
    assert_flags(
        "Peacekeeping means making the warring sides accept a settlement at gunpoint.",
        "peacekeeping-as-enforcement",
        "Peacekeeping",
    );
    // The causer is whoever makes them act, not who watches.
    assert_clean("Peacekeepers saw the militia make the villagers leave at gunpoint.");
}

#[test]
fn an_adverb_before_a_number_leaves_the_object_its_verbs() {
    assert_flags(
        "the mediators had like 10k troops patrolling the border after the deal",
        "peacemaking-as-peacekeeping",
        "mediators",
    );
    assert_flags(
        "The envoy sent nearly 5,000 troops.",
        "peacemaking-as-peacekeeping",
        "envoy",
    );
}

#[test]
fn air_power_is_military_force() {
    assert_flags(
        "Then you also get peacemaking by air power, as in the 1995 bombing of Serb positions.",
        "peacemaking-as-enforcement",
        "peacemaking",
    );
    assert_clean("Peacekeepers rely on diplomacy, not firepower.");
    assert_clean("Peacekeeping missions lack the air power of a coalition.");
}

#[test]
fn throwing_back_an_army_is_war_fighting_repelling_an_attack_is_not() {
    assert_flags(
        "In 1950 a UN peacekeeping force under American command repelled the North Korean invasion.",
        "peacekeeping-as-enforcement",
        "peacekeeping",
    );
    assert_clean("The peacekeepers repelled an attack on their base.");
    assert_clean("Peacekeepers repelled the rebel offensive on the camp where civilians sheltered.");
}

#[test]
fn a_reported_belief_corrected_in_the_same_sentence_is_discussed() {
    assert_clean("Many students believe the peacekeepers brokered Dayton when in fact Holbrooke did.");
    assert_clean("Lots of people think blue helmets negotiated the accord but actually the two governments did.");
    // Without the correction the belief is reported, and the tool says so.
    assert_flags(
        "People say the blue helmets negotiated the accord, and they did.",
        "peacekeeping-as-peacemaking",
        "blue helmets",
    );
}

#[test]
fn a_negative_adjective_joined_to_another_negates_the_act() {
    assert_clean("The small peacekeeping force was unable and unauthorised to stop the violence.");
    assert_clean("The blue helmets were both unwilling and unequipped to end the war.");
}

#[test]
fn a_reported_claim_denied_after_it_is_discussed() {
    // Corrected in so many words ...
    assert_clean("Some classmates think the peacekeepers negotiated the peace treaty, but this is not correct.");
    // ... or denied by a sentence of its own.
    assert_clean("You say that the blue helmets brokered the accord. They didn't. The envoy did.");
    assert_clean("Your draft says UNIFIL mediated the 2006 ceasefire. No, it did not.");
    // A denial of something else leaves the claim made.
    assert_flags(
        "You say that the blue helmets brokered the accord. They didn't stop there.",
        "peacekeeping-as-peacemaking",
        "blue helmets",
    );
}

#[test]
fn he_and_she_stand_for_a_person_never_a_mission() {
    assert_clean("Pearson won the prize for proposing UNEF in 1956, and he was a diplomat, not a peacekeeper.");
    // Nor the last sentence's mission.
    assert_clean("UNEF was proposed by Lester Pearson. He negotiated with Britain and France at the General Assembly.");
    // A person the analysis knows is still meant.
    assert_flags(
        "The peacekeeper stayed for a year, and he negotiated the peace treaty between the two states.",
        "peacekeeping-as-peacemaking",
        "peacekeeper",
    );
}

#[test]
fn a_pronoun_stands_for_the_nearest_people_named() {
    // The nearest people before "they" are the forces, not the mission.
    assert_clean("UNIFIL was set up in 1978 to monitor the withdrawal of Israeli forces after they invaded Lebanon.");
    // "Unlike X, they": not X.
    assert_clean(
        "Peacekeepers were not irrelevant. Unlike peacemakers, they are there to preserve a halt in fighting.",
    );
    // A mission after "of" belongs to the phrase's head, which is meant.
    assert_flags(
        "The peace keepers of UNFICYP they were negociate many times the peace agreement between the two leaders.",
        "peacekeeping-as-peacemaking",
        "peace keepers",
    );
    // An object pronoun is not its own verb's subject: "them" is the peacekeepers.
    assert_flags(
        "The peacekeepers are neutral, so both sides trust them to run the peace talks.",
        "peacekeeping-as-peacemaking",
        "peacekeepers",
    );
}

#[test]
fn missions_that_served_during_a_war_are_history_not_a_slip() {
    // UNPROFOR was given tasks in Bosnia while the war went on.
    assert_clean("The UN sent a peacekeeping force, UNPROFOR, to Bosnia when war broke out in 1992.");
    assert_flags(
        "The UN sends peacekeepers when war breaks out, to stop the fighting.",
        "peacekeeping-before-ceasefire",
        "peacekeepers",
    );
}

#[test]
fn a_claim_quoted_and_called_false_is_discussed() {
    assert_clean(
        "The claim, repeated in one textbook, that 'UN peacekeepers brokered the Oslo Accords' is simply false.",
    );
    assert_clean("Some write that 'UN peacekeepers brokered the Oslo Accords', which is wrong.");
}

#[test]
fn victims_and_captions_are_not_doers() {
    // A bare past form with an agent after it is done to the phrase.
    assert_clean("Mediators are often the first attacked by both sides.");
    // "position" here is a noun: nobody is being sent anywhere.
    assert_clean("Swedish peacekeepers evacuating their position at Hill 88 during the Six-Day War");
}

#[test]
fn owners_and_descriptions_fit_what_they_name() {
    // "the missions" are missions, not the mediators named before, and
    // "their troops" are the missions'.
    assert_clean("DPPA backs envoys and mediators, whereas DPO directs the missions and their troops.");
    // An object is not the owner when its verb's subject is someone else.
    assert_clean("A mission's leadership can do peacemaking even though its contingents do not.");
    // A copula's complement is its subject.
    assert_flags(
        "The main UN body here is the Peacebuilding Commission, which sends its own troops into post-conflict countries.",
        "peacebuilding-as-peacekeeping",
        "Peacebuilding Commission",
    );
    // A clause under a denied "mean" is denied.
    assert_clean("It does not mean the blue helmets wrote the agreement they were implementing.");
}

#[test]
fn a_writer_taking_back_a_claim_makes_none() {
    assert_clean("no wait i said peacekeepers signed the treaty but thats wrong, the governments signed it");
    assert_clean("Some people say peacekeepers signed the treaty, but that's not true.");
    assert_flags(
        "I said peacekeepers signed the treaty and that's that.",
        "peacekeeping-as-peacemaking",
        "peacekeepers",
    );
}

#[test]
fn a_verb_joined_to_a_relative_clauses_verb_shares_its_subject() {
    assert_flags(
        "Our peacekeepers have served in Lebanon since 1978. In 2006 it was they who sat at the table and hammered out the agreement.",
        "peacekeeping-as-peacemaking",
        "peacekeepers",
    );
    // After the relative clause, the main verb's own subject.
    assert_clean("The peacekeepers who arrived in 1993 and the mediators negotiated the accord.");
}

#[test]
fn learner_definitions_and_footnote_glosses() {
    // A bare "mean" and objects with determiners.
    assert_flags(
        "Peace keeping mean to build the school, the court and the democracy in the country for long time after the war finish.",
        "peacebuilding-as-peacekeeping",
        "Peace keeping",
    );
    assert_flags(
        "In this chapter peace enforcement is used synonymously with peacekeeping.",
        "terms-as-synonyms",
        "peace enforcement",
    );
}

#[test]
fn descriptions_of_someone_else_refer_to_no_actor() {
    // A coalition is a body of states, whatever was named before.
    assert_clean("Peacekeepers from Fiji served in Lebanon. The coalition was an enforcement action.");
    // The kind just set apart by "unlike" is not what the description means.
    assert_clean("Peacekeepers patrol the line in Cyprus. Unlike peacekeepers, the troops invaded the north.");
    // An armed body is a mission or its soldiers, never a mediator named
    // before; but it may be the peacekeeping force named before.
    assert_clean("The mediator arrived. I call it enforcement, even if the force wears blue helmets.");
    assert_flags(
        "The host refused to let the peacekeeping force in. So the force marched on the capital and overthrew it.",
        "peacekeeping-as-enforcement",
        "peacekeeping",
    );
    // Without the contrast, "the force" is the mission named before.
    assert_flags(
        "UNIFIL deployed in 1978. Later the force negotiated a peace treaty between Israel and Lebanon.",
        "peacekeeping-as-peacemaking",
        "UNIFIL",
    );
}

#[test]
fn questions_ask_but_wh_questions_presuppose() {
    // A yes/no question, or a wh-word standing for the doer, asserts nothing.
    assert_clean("Did the peacekeepers negotiate the Dayton Accords?");
    assert_clean("Who negotiated the Dayton Accords?");
    assert_clean("Who negotiated Dayton, the peacekeepers or the diplomats?");
    // The rest of a wh-question is taken for granted.
    assert_flags(
        "Which peacekeepers negotiated the Dayton Accords?",
        "peacekeeping-as-peacemaking",
        "peacekeepers",
    );
    assert_flags(
        "What kind of weapons do UN peacemakers carry when they patrol a buffer zone?",
        "peacemaking-as-peacekeeping",
        "peacemakers",
    );
}

#[test]
fn other_senses_in_context_stay_quiet() {
    assert_clean("In the HBO series, Peacemaker patrols the city with his team.");
    assert_clean("The Peacemaker was the revolver that cavalry troopers carried.");
}

#[test]
fn a_noun_phrase_or_later_pronoun_refers_back_to_the_previous_actor() {
    const PK_PM: &str = "peacekeeping-as-peacemaking";
    assert_flags(
        "UNIFIL was deployed in 1978. In 2006 the force drafted the peace agreement.",
        PK_PM,
        "UNIFIL",
    );
    assert_flags(
        "The blue helmets landed in May. By the autumn these troops were brokering a treaty.",
        PK_PM,
        "blue helmets",
    );
    assert_flags(
        "UNTAC arrived in 1992. A year later, when the mission brokered a new accord, the war ended.",
        PK_PM,
        "UNTAC",
    );
    // The phrase is an object, not the subject; a singular "it" does not
    // stand for plural peacekeepers; a pronoun after other people is theirs.
    assert_clean("UNIFIL arrived in 1978. The parties thanked the force and negotiated a treaty.");
    assert_clean("Peacekeepers arrived in 1978. In 1979 it negotiated a treaty.");
    assert_clean("UNIFIL arrived in 1978. When the parties met, they negotiated a treaty.");
}

#[test]
fn passives_parentheses_and_parentheticals() {
    assert_flags(
        "The peacekeeping force was sent to win the war for the government.",
        "peacekeeping-before-ceasefire",
        "peacekeeping",
    );
    assert_flags(
        "The demilitarized zone was held by peacemakers until 1967.",
        "peacemaking-as-peacekeeping",
        "peacemakers",
    );
    assert_flags(
        "Peacemaking, as most textbooks use it, is the deployment of troops between armies.",
        "peacemaking-as-peacekeeping",
        "Peacemaking",
    );
    assert_flags(
        "The Gulf War (1990-91) was a UN peacekeeping operation.",
        "peacekeeping-as-enforcement",
        "peacekeeping",
    );
    // "The first/the second" refer to items named before.
    assert_clean("Peacemaking is distinct from peacekeeping: the first is diplomatic, the second deploys troops.");
    // A mission's name after a phrase is not modified by it.
    assert_clean("After the 1974 invasion UNFICYP stayed on the island.");
}

#[test]
fn a_column_headed_as_mistakes_quotes_them() {
    let table = "| Activity | Meaning | Common mistake |\n|---|---|---|\n| Peacemaking | diplomacy | sending it troops to patrol the buffer zone |\n";
    let got = findings(table, Format::Markdown);
    assert!(got.is_empty(), "{got:?}");
    let table = "| Activity | Meaning | Example |\n|---|---|---|\n| Peacemaking | diplomacy | sending it troops to patrol the buffer zone |\n";
    let got = findings(table, Format::Markdown);
    assert_eq!(
        got,
        [("peacemaking-as-peacekeeping".to_string(), "Peacemaking".to_string())]
    );
}

#[test]
fn a_column_headed_as_a_contrast_is_not_about_the_rows_term() {
    let table = "| Term | Definition | Not to be confused with |\n|---|---|---|\n| Peacekeeping | a field presence | imposing peace on the parties without their consent |\n";
    let got = findings(table, Format::Markdown);
    assert!(got.is_empty(), "{got:?}");
    // Under an ordinary header the same cell describes the row's term.
    let table = "| Term | Definition | How it works |\n|---|---|---|\n| Peacekeeping | a field presence | imposing peace on the parties without their consent |\n";
    let got = findings(table, Format::Markdown);
    assert_eq!(
        got,
        [("peacekeeping-as-enforcement".to_string(), "Peacekeeping".to_string())]
    );
}

#[test]
fn a_column_headed_by_an_agent_names_someone_else() {
    let table =
        "| Mission | Agreement | Negotiated by |\n|---|---|---|\n| UNMIL | 2003 Accra CPA | regional mediation |\n";
    let got = findings(table, Format::Markdown);
    assert!(got.is_empty(), "{got:?}");
    let table = "| Mission | Agreement | Role |\n|---|---|---|\n| UNMIL | 2003 Accra CPA | regional mediation |\n";
    let got = findings(table, Format::Markdown);
    assert_eq!(got, [("peacekeeping-as-peacemaking".to_string(), "UNMIL".to_string())]);
}

#[test]
fn a_heading_naming_an_actors_toolbox_gives_its_list_a_topic() {
    let got = findings(
        "## Slide 9: Peacemaking toolbox\n\n- Mediation\n- Air strikes to force the parties to the table\n",
        Format::Markdown,
    );
    assert_eq!(
        got,
        [("peacemaking-as-enforcement".to_string(), "Peacemaking".to_string())]
    );
    let got = findings(
        "## Slide 9: Peacemaking toolbox\n\n- Mediation\n- Arbitration\n",
        Format::Markdown,
    );
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn a_heading_that_names_one_actor_twice_gives_its_list_a_topic() {
    let got = findings(
        "### Role of peacekeepers\n\n- chair the peace talks\n",
        Format::Markdown,
    );
    assert_eq!(
        got,
        [("peacekeeping-as-peacemaking".to_string(), "peacekeepers".to_string())]
    );
    // Two actors: the items are about neither.
    let got = findings(
        "### Peacekeepers and mediators\n\n- chair the peace talks\n",
        Format::Markdown,
    );
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn learners_spellings_and_phrases_with_an_article() {
    assert_flags(
        "Last year the mediators patroled the ceasefire line near Nicosia.",
        "peacemaking-as-peacekeeping",
        "mediators",
    );
    assert_flags(
        "Peacekeeping means to rebuild the institutions of a country after the war.",
        "peacebuilding-as-peacekeeping",
        "Peacekeeping",
    );
}

#[test]
fn expelling_an_army_is_enforcement() {
    assert_flags(
        "In Iraq in 1991 peacekeeping meant expelling an invading army.",
        "peacekeeping-as-enforcement",
        "peacekeeping",
    );
    // Someone else expelled; the peacekeepers were the object.
    assert_clean("In 1967 Egypt expelled the UNEF peacekeepers.");
}

#[test]
fn a_lead_in_is_about_its_main_clause() {
    // The list is the conditions; the peacekeepers are in the opening clause.
    assert_clean(
        "Before UN peacekeepers are deployed the following conditions must be met:\n\
         - The parties must be willing to negotiate a settlement;\n\
         - All fighting must have stopped.\n",
    );
    // A lead-in whose main clause names the actor still gives the topic.
    assert_flags(
        "Once the war ends, UN peacekeepers have two jobs:\n- negotiate the peace treaty\n- patrol the border\n",
        "peacekeeping-as-peacemaking",
        "peacekeepers",
    );
    // A new lead-in ends the list before it.
    assert_clean(
        "Peacekeeping involves three roles:\n- Observer missions.\n- Armed patrols.\nAntonyms:\n- Warfare\n- Mediation\n",
    );
}

#[test]
fn driving_along_the_line_is_patrolling() {
    assert_flags(
        "A mediator's job is to drive along the ceasefire line each day and report troop movements.",
        "peacemaking-as-peacekeeping",
        "mediator",
    );
    // Reporting violations alone is something envoys do too.
    assert_clean("The envoy reported ceasefire violations to the Security Council.");
}

#[test]
fn an_object_pronoun_refers_past_its_own_verbs_subject() {
    assert_flags(
        "UNAMIR was created in October 1993. The Council sent it into Rwanda to stop a civil war for which no ceasefire existed.",
        "peacekeeping-before-ceasefire",
        "UNAMIR",
    );
    // A subject pronoun still has the Council as a rival.
    assert_clean("UNAMIR was created in October 1993. The Council said it would stop the civil war.");
}

#[test]
fn fighting_an_army_is_war_fighting() {
    assert_flags(
        "In 1950 UN peacekeepers fought the North Korean and Chinese armies.",
        "peacekeeping-as-enforcement",
        "peacekeepers",
    );
}

#[test]
fn a_heading_on_what_went_wrong_in_history_announces_no_mistakes() {
    let text = "### What went wrong in Rwanda?\n\nUNAMIR was sent in 1993 to stop a civil war for which no ceasefire yet existed.\n";
    assert_eq!(
        findings(text, Format::Markdown),
        [("peacekeeping-before-ceasefire".to_string(), "UNAMIR".to_string())]
    );
    // A heading that announces mistakes still makes what follows quoted.
    let text = "### Where students go wrong\n\nUNAMIR was sent in 1993 to stop a civil war for which no ceasefire yet existed.\n";
    assert_eq!(findings(text, Format::Markdown), []);
}

#[test]
fn killing_the_enemy_is_war_fighting() {
    assert_flags(
        "Peacemakers go in and kill the enemy.",
        "peacemaking-as-enforcement",
        "Peacemakers",
    );
    assert_flags(
        "The peacekeepers shot enemy fighters on sight.",
        "peacekeeping-as-enforcement",
        "peacekeepers",
    );
    // No enemy, or force in self-defence: quiet.
    assert_clean("Peacekeepers have no enemy; they killed two attackers only in self-defence.");
}

#[test]
fn force_as_a_last_resort_is_the_principle() {
    assert_clean("Our peacekeepers are impartial, and they use force only as a last resort.");
}

#[test]
fn making_an_agreement_last_is_not_making_it() {
    assert_clean("Once the parties sign, the blue helmets help make the agreement last.");
    assert_clean("The peacekeepers made the ceasefire hold for ten years.");
    assert_flags(
        "The blue helmets made the peace agreement in 1994.",
        "peacekeeping-as-peacemaking",
        "blue helmets",
    );
}

#[test]
fn authorising_force_is_enforcement_not_a_unit() {
    // "military force" after "authorise" is coercion, not a body of troops.
    assert_flags(
        "Peacemaking = when the Council authorises military force against the aggressor.",
        "peacemaking-as-enforcement",
        "Peacemaking",
    );
    assert_clean("The Council authorised force in Korea in 1950; peacekeeping came later.");
}

#[test]
fn a_tactical_word_before_the_act_makes_it_tactical() {
    assert_clean("Peacekeepers spend their days in tactical negotiation.");
    assert_clean("| Who | Task |\n|---|---|\n| peacekeepers at the checkpoint | practical negotiation |\n");
    assert_clean("Peacekeeping means tactical negotiation.");
    assert_clean("The peacekeepers led the tactical negotiations.");
    assert_flags(
        "The peacekeepers led the peace negotiations.",
        "peacekeeping-as-peacemaking",
        "peacekeepers",
    );
}

#[test]
fn a_tactical_word_counts_only_as_the_head_of_its_phrase() {
    // "supply lines" are a military target, not an errand.
    assert_flags(
        "The envoys bombed the militia's supply lines.",
        "peacemaking-as-enforcement",
        "envoys",
    );
    assert_clean("The peacekeepers negotiated with the militia over aid convoys.");
}

#[test]
fn instructions_to_the_reader_are_not_about_the_heading() {
    // A worksheet: the lead-in tells the reader what to do, so its items are
    // tasks for the class, not what the heading's concept does.
    assert_clean(
        "Peacekeeping\n\nWrite the sections on the board:\n\n1. Restoring the rule of law\n2. Holding elections\n",
    );
    assert_clean("Peacekeeping\n\nOn the board, write these sections:\n\n1. Restoring the rule of law\n");
    assert_clean("Peacekeeping\n\nIn your group you will write these sections:\n\n1. Restoring the rule of law\n");
    // An item's later sentences are its own prose.
    assert_clean("Peacekeeping\n\n1. Watch the video. Then write a summary.\n");
    // An item that ends with a colon leads in the items after it.
    assert_clean("Peacekeeping\n\n1. Discuss the video. Write these sections:\n  1. Restoring the rule of law\n");
    // A lead-in that is a label, or that names the actor, keeps the topic.
    assert_flags(
        "Peacekeeping\n\nMain tasks:\n\n1. Restoring the rule of law\n",
        "peacebuilding-as-peacekeeping",
        "Peacekeeping",
    );
    assert_flags(
        "Peacekeeping\n\n1. Restoring the rule of law\n",
        "peacebuilding-as-peacekeeping",
        "Peacekeeping",
    );
}

#[test]
fn a_phrase_shared_by_two_cue_sets_falls_back() {
    // "force the parties" is coercion; a bare "force" is a unit.
    assert_flags(
        "Peacemaking means air strikes that force the parties to sign.",
        "peacemaking-as-enforcement",
        "Peacemaking",
    );
    assert_clean("Peacemaking means the diplomacy that makes the parties sign.");
    assert_flags(
        "A peacemaking force patrolled the border.",
        "peacemaking-as-peacekeeping",
        "peacemaking",
    );
}

#[test]
fn student_typing_and_glosses() {
    // Negation typed without an apostrophe.
    assert_clean("Peacekeepers dont negotiate the peace agreement.");
    // A dash gloss; a claim about others' usage corrected in the same sentence.
    assert_flags(
        "The peacekeeping—or peacemaking, as some call it—operation in Haiti grew.",
        "terms-as-synonyms",
        "peacekeeping",
    );
    assert_clean("Journalists use peacekeeping and peacemaking interchangeably, but scholars keep them apart.");
    // UNTSO's origin: the 1948 truce was supervised by the UN Mediator.
    assert_clean("In 1948 the truce was supervised by the UN Mediator, Count Bernadotte, with military observers.");
}

#[test]
fn participles_gerunds_and_passive_agents() {
    const PK_PM: &str = "peacekeeping-as-peacemaking";
    assert_flags(
        "Having negotiated the accord in Paris, the peacekeepers flew to Phnom Penh.",
        PK_PM,
        "peacekeepers",
    );
    assert_flags(
        "The blue helmets spent the winter drafting the peace treaty.",
        PK_PM,
        "blue helmets",
    );
    // "by" belongs to "monitored", not to "negotiated".
    assert_clean("The truce the envoy negotiated was monitored by a peacekeeping mission.");
    // A claim reported and rebutted; a builder's blue helmet; a colon starts a new statement.
    assert_clean("Some claim that the blue helmets negotiated the accord. They did no such thing.");
    assert_clean("The foreman in his blue helmet negotiated a deal with the builders.");
    assert_clean("UN Peacemaker deploys nobody: it is a mediation website run by DPPA.");
}

#[test]
fn definitions_with_tactical_objects_and_sameness_reasons() {
    assert_clean("Peacekeeping often means negotiating access for aid convoys.");
    assert_flags(
        "Peace-keeping, put simply, means drafting constitutions and training judges.",
        "peacebuilding-as-peacekeeping",
        "Peace-keeping",
    );
    assert_clean(
        "Peace-keeping, put simply, means drafting constitutions and training judges."
            .replace("Peace-keeping", "Peacebuilding")
            .as_str(),
    );
    // A negated distinction confirms the sameness; a contrasting one denies it.
    assert_flags(
        "Here I use peacebuilding and peacekeeping interchangeably, since few authors distinguish them.",
        "terms-as-synonyms",
        "peacebuilding",
    );
    assert_clean("Reporters use peacebuilding and peacekeeping interchangeably, although the two differ.");
    assert_clean("Korea in 1950 is often miscalled the first UN peacekeeping operation.");
}

#[test]
fn a_listed_phrase_ending_inside_a_word_gives_way_to_a_shorter_one() {
    // "rebuild the state" is listed, and written with any article; here
    // "a state" is the possessor of the object, so the cue is "rebuilding".
    assert_flags(
        "Peacekeeping means rebuilding a state's institutions and economy over twenty years.",
        "peacebuilding-as-peacekeeping",
        "Peacekeeping",
    );
}

#[test]
fn a_listed_phrase_takes_any_determiner_before_its_object() {
    assert_flags(
        "In 1963 ONUC struck the bargain that ended the secession.",
        "peacekeeping-as-peacemaking",
        "ONUC",
    );
}

#[test]
fn going_in_over_the_hosts_refusal_is_enforcement() {
    for text in [
        "Our peacekeepers will go in whether the government likes it or not.",
        "Peacekeeping means going into a country whether or not its government wants you there.",
        "The blue helmets come into the country even when the goverment say no.",
    ] {
        let got = plain(text);
        assert!(
            got.iter().any(|(c, _)| c == "peacekeeping-as-enforcement"),
            "{text:?}: {got:?}"
        );
    }
    // A spoiler's objection is not the host's consent withheld.
    assert_clean("Peacekeepers stay even if the rebels object to their patrols.");
    assert_clean("Peacekeepers patrol whether or not the militias like it.");
}

#[test]
fn building_a_states_institutions_is_peacebuilding_work() {
    assert_flags(
        "peace-keeping refers to developing democratic institutions and a working economy once a conflict is over.",
        "peacebuilding-as-peacekeeping",
        "peace-keeping",
    );
}

#[test]
fn a_question_after_a_label_or_before_an_aside_asks() {
    assert_clean("Thread: Are peacekeeping and peacemaking the same thing? (homework help)");
    assert_clean("ok but I read that peacekeepers sometimes negotiate stuff too?");
    // The label does not turn a statement into a question.
    assert_flags(
        "Thread: peacekeeping is the same as peacemaking (I think)",
        "terms-as-synonyms",
        "peacekeeping",
    );
}

#[test]
fn an_answer_is_about_the_actor_its_question_asks_about() {
    assert_flags(
        "Q: What is peacekeeping? A: It is when UN troops defeat one side's army.",
        "peacekeeping-as-enforcement",
        "peacekeeping",
    );
    assert_flags(
        "Q: What did the Peacebuilding Commission do in Burundi? A: It sent troops to patrol the provinces.",
        "peacebuilding-as-peacekeeping",
        "Peacebuilding Commission",
    );
    // An answer that is right stays quiet; a question naming two actors
    // leaves the pronoun to the usual rules.
    assert_clean("Q: What do peacekeepers do? A: They monitor the ceasefire and protect civilians.");
    assert_clean("Q: Do mediators or peacekeepers patrol the buffer zone? A: They do, in Cyprus.");
}

#[test]
fn acting_as_a_role_says_what_the_subject_does_not_what_it_is() {
    // "acts" is the verb, not part of a name ("UNIFIL acts"), and the role
    // is the subject's work: one finding, on the mission.
    let got = plain("Lebanon and Israel do not talk directly, so UNIFIL acts as a mediator.");
    assert_eq!(got, [("peacekeeping-as-peacemaking".to_string(), "UNIFIL".to_string())]);
    // "known as" still names.
    assert_flags(
        "Peacekeeping, also known as peacemaking, began in 1948.",
        "terms-as-synonyms",
        "Peacekeeping",
    );
}

#[test]
fn a_trailing_participle_of_help_shares_the_main_clauses_subject() {
    assert_flags(
        "Nigerian peacekeepers changed the course of the civil war, helping to defeat the rebels.",
        "peacekeeping-as-enforcement",
        "peacekeepers",
    );
    // The subject's share in its own kind of work stays quiet.
    assert_clean("The mediators reached the capital in May, helping the parties to agree a ceasefire.");
}

#[test]
fn a_term_with_a_slip_of_spelling_is_still_the_term() {
    assert_flags(
        "Peacemakeing is when the army of many countrys is bombing the bad side.",
        "peacemaking-as-enforcement",
        "Peacemakeing",
    );
    assert_flags(
        "The peace keping soldiers negociated the treaty.",
        "peacekeeping-as-peacemaking",
        "peace keping",
    );
    assert_flags(
        "The Peacebuilding Comission have many soldier and they are patroling the border.",
        "peacebuilding-as-peacekeeping",
        "Peacebuilding Comission",
    );
    // English words are not slips: "peacetime" shares the first letters;
    // "operations" is one edit from the listed "peacekeeping operation".
    assert_clean("In peacetime the peacekeepers patrolled the buffer zone.");
    let got = plain("Peacekeeping operations negotiated the treaty.");
    assert_eq!(
        got,
        [("peacekeeping-as-peacemaking".to_string(), "Peacekeeping".to_string())]
    );
}

#[test]
fn a_negation_before_a_dash_answers_it_does_not_deny() {
    assert_flags(
        "Q: Is peacebuilding different from peacekeeping? A: Not really — peacebuilding is just another word for peacekeeping.",
        "terms-as-synonyms",
        "peacebuilding",
    );
    assert_clean("Peacebuilding is not just another word for peacekeeping.");
}

#[test]
fn a_case_or_the_means_named_by_the_term_acts_for_it() {
    // "venture", "jets": the head names a case or the means of the concept.
    assert_flags(
        "This first great peacekeeping venture of the United Nations fought its way back up the peninsula.",
        "peacekeeping-as-enforcement",
        "peacekeeping",
    );
    assert_flags(
        "UN peacemaking jets pounded artillery positions around the city.",
        "peacemaking-as-enforcement",
        "peacemaking",
    );
    assert_clean("The peacekeeping campaign of the 1990s shows how missions changed.");
}

#[test]
fn convening_talks_is_sitting_the_parties_down_not_sitting_at_the_table() {
    assert_flags(
        "The UN peacekeeping force in Sinai sat Sadat and Begin down at the table in 1978.",
        "peacekeeping-as-peacemaking",
        "peacekeeping",
    );
    assert_clean("The peacekeepers sat at the table as observers while the envoys negotiated.");
}

#[test]
fn the_two_neighbours_are_countries_not_the_writers_neighbours() {
    assert_flags(
        "The agreement between the two neighbours was brokered by the blue helmets.",
        "peacekeeping-as-peacemaking",
        "blue helmets",
    );
    assert_clean("My neighbours call my mum the peacekeeper of our street.");
}

#[test]
fn putting_soldiers_between_the_sides_is_interposition() {
    assert_flags(
        "- peacemaking = putting soldiers between the 2 sides so they cant fight (buffer)",
        "peacemaking-as-peacekeeping",
        "peacemaking",
    );
    assert_clean("The mediators put the question of borders between the other items on the agenda.");
    // Making room for talks is what peacekeeping does.
    assert_clean("Peacekeeping allows the parties to negotiate in safety.");
}

#[test]
fn time_spent_somewhere_doing_something_is_the_subjects() {
    assert_flags(
        "Blue helmets arrived in Cambodia in 1992 as part of UNTAC. Before deploying, they had spent months in Paris mediating the 1991 peace agreement.",
        "peacekeeping-as-peacemaking",
        "Blue helmets",
    );
}

#[test]
fn a_participle_after_an_adverbial_phrase_has_the_clauses_subject() {
    assert_flags(
        "Carter's peacemaking team then stayed in the Sinai for years, manning observation posts between the Egyptian and Israeli armies.",
        "peacemaking-as-peacekeeping",
        "peacemaking",
    );
    assert_clean("The peacekeepers stayed in the town for a year, helping the mediators.");
}

#[test]
fn sending_troops_to_separate_the_sides_is_peacekeeping_work() {
    assert_flags(
        "Peacemaking means sending armed troops to separate the two sides after a ceasefire.",
        "peacemaking-as-peacekeeping",
        "Peacemaking",
    );
    // Asking others to send them is not sending them.
    assert_clean("The envoy asked the Council to send troops.");
}

#[test]
fn a_place_and_its_year_name_the_war() {
    assert_flags(
        "- Korea 1950 was the first proper UN peacekeeping mission with real combat troops",
        "peacekeeping-as-enforcement",
        "peacekeeping",
    );
}

#[test]
fn standing_on_a_line_between_armies_is_peacekeeping_work() {
    assert_flags(
        "Sometimes the peacemakers of UN are also standing in the buffer zone to control that nobody is shooting.",
        "peacemaking-as-peacekeeping",
        "peacemakers",
    );
    assert_clean("Tourists can stand in the buffer zone near the old airport.");
    assert_clean("The mediators met with blue helmets from UNFICYP.");
}

#[test]
fn a_description_in_the_possessive_owns_its_head() {
    assert_flags(
        "The Peacebuilding Commission was created in 2005. When a mission leaves, the Commission's own patrols take over the ceasefire lines.",
        "peacebuilding-as-peacekeeping",
        "Peacebuilding Commission",
    );
    // The mission's own troops are no conflation.
    assert_clean("UNMISS was set up in 2011. The mission's troops protect civilians in Juba.");
}

#[test]
fn the_everyday_senses_are_one_person_or_one_thing() {
    assert_flags(
        "The peacemakers flew in aircraft and patrolled the border.",
        "peacemaking-as-peacekeeping",
        "peacemakers",
    );
    assert_clean("My mum is the peacekeeper in our family and she negotiates a truce every night.");
    assert_clean("The Peacemaker was a revolver that every cowboy carried to shoot it out.");
}

#[test]
fn a_definition_by_means_or_a_sign_carries_its_circumstance() {
    assert_flags(
        "peacekeeping basically = sending troops in the middle of the war so it ends",
        "peacekeeping-before-ceasefire",
        "peacekeeping",
    );
    assert_flags(
        "Peacekeeping means entering a country without the consent of its government.",
        "peacekeeping-as-enforcement",
        "Peacekeeping",
    );
    assert_clean("peacekeeping = monitoring a ceasefire after the war ends");
}

#[test]
fn clinching_a_deal_is_making_it() {
    assert_flags(
        "lol no the peacekeepers basically clinched the dayton deal, holbrooke just turned up for the photos",
        "peacekeeping-as-peacemaking",
        "peacekeepers",
    );
    assert_clean("The peacekeepers sealed the border after the agreement was signed.");
}

#[test]
fn into_a_place_in_chat_is_still_a_place() {
    assert_flags(
        "imo they should send blue helmets into sudan right now to stop the war, dont wait for a ceasefire",
        "peacekeeping-before-ceasefire",
        "blue helmets",
    );
}

#[test]
fn the_logic_of_a_concept_defines_it() {
    assert_flags(
        "The logic of peacekeeping is to intervene before any ceasefire is agreed, so that the fighting stops.",
        "peacekeeping-before-ceasefire",
        "peacekeeping",
    );
    assert_clean("The point of peacekeeping is to monitor a ceasefire.");
}
