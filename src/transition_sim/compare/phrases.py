"""The plain reading's sentences in English and French, one entry per thing the numbers allow to be said.

A catalogue keyed like the dashboard's (:data:`transition_sim.dashboard.i18n.TEXTS`), so that a sentence and
its translation sit side by side and a branch of the reading cannot have a wording in one language only.
French is written with ordinary spaces before ; : and %; :func:`say` puts the narrow no-break spaces in.
"""

from __future__ import annotations

from transition_sim.dashboard.i18n import french_spaces

_MOST = {"en": "the 95% interval of its share of wins is above one half",
         "fr": "l'intervalle à 95 % de sa part de victoires est au-dessus de la moitié"}

PHRASES: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ one pair
    "facts": {"en": "{a} minus {b}: mean {mean} [95% CI {low}, {high}], median {median}; {a} ahead in {wins_a} of "
                    "{n} pairs ({share_a}), {b} in {wins_b}{ties}",
              "fr": "{a} moins {b} : moyenne {mean} [IC à 95 % {low} ; {high}], médiane {median} ; {a} devant dans "
                    "{wins_a} paires sur {n} ({share_a}), {b} dans {wins_b}{ties}"},
    "ties": {"en": ", tied in {ties}", "fr": ", à égalité dans {ties}"},
    "too_few": {"en": "**{a}** vs **{b}**: too few paired replicates with a value (n = {n}) to compare them.",
                "fr": "**{a}** face à **{b}** : trop peu de réplicats appariés ayant une valeur (n = {n}) pour les "
                      "comparer."},
    "identical": {"en": "**{a}** and **{b}** did exactly the same in all {n} paired territories.",
                  "fr": "**{a}** et **{b}** ont fait exactement pareil dans les {n} territoires appariés."},
    "ahead": {"en": "**{a}** is ahead of **{b}**: its mean is clearly higher (the 95% interval of the mean difference "
                    "excludes zero) and it is ahead in most of the paired territories ({most}) ({facts}).",
              "fr": "**{a}** fait mieux que **{b}** : sa moyenne est nettement plus élevée (l'intervalle à 95 % de la "
                    "différence moyenne exclut zéro) et elle est devant dans la plupart des territoires appariés "
                    "({most}) ({facts})."},
    "usual_big": {"en": "**{a}** is usually ahead but by little, **{b}** less often ahead but by a lot: {a} is ahead "
                        "in most of the paired territories ({most}), yet {b}'s wins are large enough that the "
                        "mean difference clearly favours {b} (its 95% interval excludes zero). In a typical "
                        "territory expect {a} to do better; averaged over many territories {b} does better "
                        "({facts}).",
                  "fr": "**{a}** est le plus souvent devant mais de peu, **{b}** moins souvent mais de beaucoup : {a} "
                        "est devant dans la plupart des territoires appariés ({most}), mais les victoires de {b} "
                        "sont assez grandes pour que la différence moyenne soit nettement en sa faveur (son "
                        "intervalle à 95 % exclut zéro). Dans un territoire typique, attendez-vous à ce que {a} fasse "
                        "mieux ; en moyenne sur de nombreux territoires, {b} fait mieux ({facts})."},
    "usual_big_unclear": {
        "en": "**{a}** is usually ahead but by little, **{b}** less often ahead but by a lot: {a} is ahead in most "
              "of the paired territories ({most}), and {b}'s wins are large enough that the mean difference "
              "favours {b}, but not clearly (its 95% interval includes zero). In a typical territory expect {a} to "
              "do better; which does better averaged over many territories is not established at this number of "
              "replicates ({facts}).",
        "fr": "**{a}** est le plus souvent devant mais de peu, **{b}** moins souvent mais de beaucoup : {a} est "
              "devant dans la plupart des territoires appariés ({most}), et les victoires de {b} sont assez "
              "grandes pour que la différence moyenne penche en sa faveur, mais pas nettement (son intervalle à "
              "95 % inclut zéro). Dans un territoire typique, attendez-vous à ce que {a} fasse mieux ; laquelle "
              "fait mieux en moyenne sur de nombreux territoires n'est pas établi avec ce nombre de réplicats "
              "({facts})."},
    "usual": {"en": "**{a}** is usually ahead of **{b}**: it is ahead in most of the paired territories "
                    "({most}), but the size of its average advantage is not established (the 95% interval of "
                    "the mean difference includes zero) ({facts}).",
              "fr": "**{a}** est le plus souvent devant **{b}** : elle est devant dans la plupart des territoires "
                    "appariés ({most}), mais l'ampleur de son avantage moyen n'est pas établie (l'intervalle "
                    "à 95 % de la différence moyenne inclut zéro) ({facts})."},
    "mean_only": {"en": "**{a}** is ahead of **{b}** on average, clearly (the 95% interval of the mean difference "
                        "excludes zero), but not in most of the paired territories: by share of pairs there is no "
                        "clear winner, neither being ahead in clearly more than half of them ({facts}).",
                  "fr": "**{a}** fait mieux que **{b}** en moyenne, nettement (l'intervalle à 95 % de la différence "
                        "moyenne exclut zéro), mais pas dans la plupart des territoires appariés : au nombre de "
                        "paires gagnées, pas de gagnant net, aucune n'étant devant dans nettement plus de la moitié "
                        "d'entre elles ({facts})."},
    "unclear": {"en": "**{a}** and **{b}** show no clear difference: the 95% interval of the mean difference includes "
                      "zero and neither is ahead in clearly more than half of the paired territories ({facts}).",
                "fr": "**{a}** et **{b}** : pas de différence nette ; l'intervalle à 95 % de la différence moyenne "
                      "inclut zéro et aucune n'est devant dans nettement plus de la moitié des territoires appariés "
                      "({facts})."},
    # ------------------------------------------------------------------ the leader
    "only_one": {"en": "Only one strategy has a value: there is no leader to name.",
                 "fr": "Une seule stratégie a une valeur : il n'y a pas de meilleure à nommer."},
    "stats": {"en": "{mean} [95% CI {low}, {high}]; median {median}, quartiles {q1} to {q3}",
              "fr": "{mean} [IC à 95 % {low} ; {high}] ; médiane {median}, quartiles de {q1} à {q3}"},
    "leader_all": {"en": "Overall, **{leader}** creates the most value on average ({stats}), clearly ahead of every "
                         "other strategy (each 95% interval of the mean difference excludes zero).",
                   "fr": "Au total, **{leader}** crée le plus de valeur en moyenne ({stats}), nettement devant chacune "
                         "des autres stratégies (chaque intervalle à 95 % de la différence moyenne exclut zéro)."},
    "leader_some": {"en": "Overall, **{leader}** has the highest mean ({stats}): clearly ahead of {clear}, but not "
                          "clearly of {others} (the 95% interval of the mean difference includes zero), so that it "
                          "creates more value than {others} is not established.",
                    "fr": "Au total, **{leader}** a la moyenne la plus élevée ({stats}) : nettement devant {clear}, "
                          "mais pas nettement devant {others} (l'intervalle à 95 % de la différence moyenne inclut "
                          "zéro) ; qu'elle crée plus de valeur que {others} n'est donc pas établi."},
    "leader_none": {"en": "Overall, **{leader}** has the highest mean ({stats}), but is not clearly ahead of any "
                          "other strategy (each 95% interval of the mean difference includes zero): no strategy is "
                          "established as creating the most value.",
                    "fr": "Au total, **{leader}** a la moyenne la plus élevée ({stats}), mais n'est nettement devant "
                          "aucune autre stratégie (chaque intervalle à 95 % de la différence moyenne inclut zéro) : "
                          "aucune n'est établie comme la plus créatrice de valeur."},
    "median_most": {"en": " **{best}** has the highest median ({median}) and is ahead of {leader} in most of the "
                          "paired territories: it does best in the typical territory, while {leader}'s mean rests on "
                          "fewer, bigger successes.",
                    "fr": " **{best}** a la médiane la plus élevée ({median}) et est devant {leader} dans la plupart "
                          "des territoires appariés : elle fait le mieux dans le territoire typique, tandis que la "
                          "moyenne de {leader} repose sur des succès plus rares et plus grands."},
    "median_split": {"en": " **{best}** has the highest median ({median}, against {leader_median} for {leader}), but "
                           "is not ahead of {leader} in clearly more than half of the paired territories.",
                     "fr": " **{best}** a la médiane la plus élevée ({median}, contre {leader_median} pour {leader}), "
                           "mais n'est pas devant {leader} dans nettement plus de la moitié des territoires appariés."},
    # ------------------------------------------------------------------ the risk
    "risk_part": {"en": "{who} in {k} of {n} ({share})", "fr": "{who} dans {k} cas sur {n} ({share})"},
    "risk": {"en": "Risk of doing worse than doing nothing (`{null}`, same territory): {parts}.",
             "fr": "Risque de faire moins bien que de ne rien faire (`{null}`, même territoire) : {parts}."},
    "risk_zero": {"en": " A share of {zero} can still hide a small risk: read the upper bound of its interval.",
                  "fr": " Une part de {zero} peut encore cacher un petit risque : lisez la borne haute de son "
                        "intervalle."},
    # ------------------------------------------------------------------ the report's reading
    "no_pair": {"en": "Only one strategy was run: there is no pair to compare.",
                "fr": "Une seule stratégie a tourné : il n'y a pas de paire à comparer."},
    "scope": {"en": "These statements hold for scenario `{scenario}` with the parameters above, over {steps} months "
                    "and {replicates} replicates; they say nothing about other settings. To see *when* a strategy "
                    "wins, rerun with other scenarios or `--set` values (relays, elections, crises, initial trust, "
                    "budgets, coupling of topics). \"Clearly\" means that the 95% bootstrap interval of the mean "
                    "paired difference excludes zero, \"in most of the paired territories\" that the 95% Wilson "
                    "interval of the share of wins lies above one half",
              "fr": "Ces constats valent pour le scénario `{scenario}` avec les paramètres ci-dessus, sur {steps} "
                    "mois et {replicates} réplicats ; ils ne disent rien des autres réglages. Pour voir *quand* une "
                    "stratégie l'emporte, relancez avec d'autres scénarios ou d'autres valeurs `--set` (relais, "
                    "élections, crises, confiance initiale, budgets, couplage des thèmes). «\u202fNettement\u202f» "
                    "veut dire que l'intervalle bootstrap à 95 % de la différence moyenne appariée exclut zéro, "
                    "«\u202fdans la plupart des territoires appariés\u202f» que l'intervalle de Wilson à 95 % de la "
                    "part de victoires est au-dessus de la moitié"},
    "chance": {"en": "; with {pairs} pairs, some such intervals may exclude zero by chance.",
               "fr": " ; avec {pairs} paires, certains de ces intervalles peuvent exclure zéro par hasard."},
    "and": {"en": " and ", "fr": " et "},
}


def say(key: str, lang: str, **fields: object) -> str:
    """The sentence ``key`` in ``lang`` with ``fields`` in, French spaced the French way."""
    text = PHRASES[key][lang].format(most=_MOST[lang], **fields)
    return french_spaces(text) if lang == "fr" else text
