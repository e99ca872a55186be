"""The story: dated sentences in English and French, kept as structured records."""

import json

from transition_sim import TerritoryModel
from transition_sim.story import TEMPLATES


def test_story_follows_the_chain_of_trust_in_both_languages():
    model = TerritoryModel(seed=0).run(36)
    kinds = {e.kind for e in model.log.events}
    assert {"entry", "introduction", "approved", "success"} <= kinds
    intro = next(e for e in model.log.events if e.kind == "introduction")
    assert intro.sentence("en").startswith(f"month {intro.month}: the facilitator, introduced by ")
    assert intro.sentence("fr").startswith(f"mois {intro.month}: le facilitateur, présenté par ")
    for e in model.log.events:
        record = json.loads(json.dumps(e.to_record()))
        assert record["text"] and record["text_fr"] and record["kind"] in TEMPLATES
        assert " de le " not in record["text_fr"] and " à le " not in record["text_fr"]
    months = [e.month for e in model.log.events]
    assert months == sorted(months)


def test_elections_and_newcomers_appear_in_the_story():
    model = TerritoryModel(seed=0, election_offset=5, reelection_prob=0.0).run(6)
    sentences = model.log.sentences()
    assert any("municipal election: 0 of 6" in s for s in sentences)
    assert any("the new mayor" in s for s in sentences)
