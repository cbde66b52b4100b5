//! Generated questionnaires shared by the scale tests and `benches/suggest.rs` (which includes
//! this file by path), so what is measured is what is tested.

/// `n` yes/no items `item_00000` …, each after the first shown only if the one before was
/// answered yes — through a misspelled reference (`itme_…`), so every one is unknown and loading
/// it makes `n - 1` "did you mean" suggestions.
pub fn misspelled(n: usize) -> String {
    let mut s = String::from(
        "Questionnaire(id: \"typos\", version: \"1.0.0\", languages: [\"en\"], \
         title: {\"en\": \"Typos\"}, sections: [Section(id: \"s\", title: {\"en\": \"S\"}, items: [\n",
    );
    for i in 0..n {
        let show_if = match i {
            0 => String::new(),
            i => format!(", show_if: Equals(\"itme_{:05}\", Yes)", i - 1),
        };
        s.push_str(&format!(
            "Item(id: \"item_{i:05}\", text: {{\"en\": \"Question {i}?\"}}, kind: YesNo(){show_if}),\n"
        ));
    }
    s.push_str("])])\n");
    s
}
