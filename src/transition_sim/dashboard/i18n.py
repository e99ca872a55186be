"""Every word the dashboard shows, in French and English.

Parameter ranges, defaults and units come from :mod:`transition_sim.schema`; the English help of a
parameter is the schema's own. Only the short labels and the French help of the parameters on the
page's sliders are written here. Role names and nicknames come from :mod:`transition_sim.roles`.
"""

from __future__ import annotations

import math

from transition_sim.roles import Role
from transition_sim.schema import PARAMETERS

LANGS: tuple[str, ...] = ("fr", "en")
LANG_NAMES: dict[str, str] = {"fr": "Français", "en": "English"}
NNBSP = "\u202f"  # narrow no-break space: French thousands, and before % ; : ! ?

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Transition sim: workshop dashboard", "fr": "Transition sim : tableau de bord d'atelier"},
    "language": {"en": "Language", "fr": "Langue"},
    "scenario": {"en": "Territory (scenario)", "fr": "Territoire (scénario)"},
    "strategy": {"en": "Facilitator's strategy", "fr": "Stratégie du facilitateur"},
    "strategy_b": {"en": "Compare with", "fr": "Comparer avec"},
    "seed": {"en": "Seed (same seed, same territory)", "fr": "Graine (même graine, même territoire)"},
    "seed_error": {"en": "The seed must be a whole number between 0 and {max}: \u201c{value}\u201d is not.",
                   "fr": "La graine doit être un nombre entier entre 0 et {max} : « {value} » ne l'est pas."},
    "value_error": {"en": "{label}: \u201c{value}\u201d is refused. Allowed: from {low} to {high}{unit}.",
                    "fr": "{label} : « {value} » est refusé. Valeurs possibles : de {low} à {high}{unit}."},
    "type_here": {"en": "or type a value", "fr": "ou tapez une valeur"},
    "parameters": {"en": "What the trainer can change", "fr": "Ce que le formateur peut changer"},
    "reset": {"en": "Reset", "fr": "Recommencer"},
    "step": {"en": "Step (+1 month)", "fr": "Avancer (+1 mois)"},
    "step_year": {"en": "+1 year", "fr": "+1 an"},
    "play": {"en": "Play", "fr": "Lecture"},
    "pause": {"en": "Pause", "fr": "Pause"},
    "speed": {"en": "Speed (months per second)", "fr": "Vitesse (mois par seconde)"},
    "month": {"en": "Month", "fr": "Mois"},
    "month_of": {"en": "Month {month} of {horizon}", "fr": "Mois {month} sur {horizon}"},
    "finished": {"en": "The run has reached its horizon: press Reset to start again.",
                 "fr": "La simulation est arrivée à son terme : appuyez sur Recommencer pour rejouer."},
    "view_territory": {"en": "Territory", "fr": "Territoire"},
    "view_measures": {"en": "Measures", "fr": "Indicateurs"},
    "view_story": {"en": "Story", "fr": "Récit"},
    "view_compare": {"en": "Side by side", "fr": "Côte à côte"},
    "kpi_value": {"en": "Value created", "fr": "Valeur créée"},
    "kpi_funded": {"en": "Projects funded", "fr": "Projets financés"},
    "kpi_succeeded": {"en": "succeeded", "fr": "réussis"},
    "kpi_failed": {"en": "failed", "fr": "échoués"},
    "kpi_roles": {"en": "Roles reached", "fr": "Rôles atteints"},
    # the roles' count agrees with the map: filled, a role reached (the ring); outlined, only introduced (an arrow)
    "kpi_roles_count": {"en": "{reached}, {introduced}", "fr": "{reached}, {introduced}"},  # see PLURALS
    "chip_reached": {"en": "{role}: reached (someone in this role trusts the facilitator enough)",
                     "fr": "{role} : atteint (quelqu'un de ce rôle fait assez confiance au facilitateur)"},
    "chip_introduced": {"en": "{role}: introduced (an arrow), not reached yet",
                        "fr": "{role} : présenté (une flèche), pas encore atteint"},
    "chip_none": {"en": "{role}: neither introduced nor reached", "fr": "{role} : ni présenté ni atteint"},
    "kpi_running": {"en": "Projects under way", "fr": "Projets en cours"},
    "kpi_crisis": {"en": "Crisis!", "fr": "Crise !"},
    # value and what it cost (ODD sections 7.12 and 9.2): units are in UNIT_WORDS, singular and plural
    "value_help": {"en": "What the actions changed, not what they cost: the needs answered, each weighted by its "
                         "urgency and by how many people it stands for, plus the improvement of the territory's "
                         "topics (one unit per person served better than at the start for a year).",
                   "fr": "Ce que les actions ont changé, pas ce qu'elles ont coûté : les besoins satisfaits, chacun "
                         "pondéré par son urgence et par le nombre de personnes qu'il représente, plus "
                         "l'amélioration des thèmes du territoire (une unité par personne mieux servie qu'au "
                         "départ pendant un an)."},
    "costs_title": {"en": "Value, and what it cost", "fr": "La valeur, et ce qu'elle a coûté"},
    "cost_money": {"en": "Money committed, by payer", "fr": "Argent engagé, par payeur"},
    "cost_money_help": {"en": "Euros each payer has committed so far to the projects it funded (civil servants "
                              "hold no budget).",
                        "fr": "Euros que chaque payeur a engagés jusqu'ici dans les projets qu'il a financés (les "
                              "agents de la collectivité n'ont pas de budget)."},
    "cost_per_public_euro": {"en": "Value per public euro", "fr": "Valeur par euro public"},
    "cost_per_public_euro_help": {
        "en": "Value created for each euro the elected officials and the State have spent (– until a public euro "
              "is spent).",
        "fr": "Valeur créée pour chaque euro dépensé par les élus et l'État (– tant qu'aucun euro public n'est "
              "dépensé)."},
    "cost_leverage": {"en": "Private money mobilised (leverage)", "fr": "Argent privé mobilisé (effet de levier)"},
    "cost_leverage_help": {"en": "Euros the socio-economic actors have spent for each public euro spent (– until a "
                                 "public euro is spent).",
                           "fr": "Euros dépensés par les acteurs socio-économiques pour chaque euro public dépensé "
                                 "(– tant qu'aucun euro public n'est dépensé)."},
    "cost_meetings": {"en": "Facilitator's meetings used", "fr": "Rendez-vous du facilitateur"},
    "cost_meetings_help": {"en": "Meetings the facilitator has held since the start: the time the facilitator gave.",
                           "fr": "Rendez-vous que le facilitateur a tenus depuis le début : le temps qu'il y a "
                                 "consacré."},
    "cost_per_meeting": {"en": "Value per meeting", "fr": "Valeur par rendez-vous"},
    "cost_per_meeting_help": {"en": "Value created for each meeting the facilitator held (– until a meeting is "
                                    "held).",
                              "fr": "Valeur créée pour chaque rendez-vous du facilitateur (– tant qu'aucun "
                                    "rendez-vous n'a eu lieu)."},
    "dl_csv": {"en": "Time series (CSV)", "fr": "Séries temporelles (CSV)"},
    "dl_territory": {"en": "Territory (PNG)", "fr": "Territoire (PNG)"},
    "dl_measures": {"en": "Measures (PNG)", "fr": "Indicateurs (PNG)"},
    "dl_compare": {"en": "Side by side (PNG)", "fr": "Côte à côte (PNG)"},
    "dl_story": {"en": "Story (text)", "fr": "Récit (texte)"},
    "downloads": {"en": "Download", "fr": "Télécharger"},
    "story_empty": {"en": "Nothing has happened yet: press Step.",
                    "fr": "Rien ne s'est encore passé : appuyez sur Avancer."},
    "story_more": {"en": "Latest {shown} of {total} events; download the story for all of them.",
                   "fr": "Les {shown} derniers des {total} événements ; téléchargez le récit pour tout lire."},
    "story_order": {"en": "Latest first", "fr": "Les plus récents en haut"},
    "compare_intro": {"en": "Same territory, same seed, same events: only the strategy differs. "
                            "Both runs step together.",
                      "fr": "Même territoire, même graine, mêmes événements : seule la stratégie change. "
                            "Les deux simulations avancent ensemble."},
    "same_strategy": {"en": "Choose a different strategy to compare.",
                      "fr": "Choisissez une autre stratégie pour comparer."},
    # when something goes wrong, and when the room is full
    "went_wrong": {"en": "Something went wrong. The trainer's screen has the details.",
                   "fr": "Un problème est survenu. L'écran du formateur en donne le détail."},
    "start_again": {"en": "Start again", "fr": "Recommencer"},
    "room_full_title": {"en": "The room is full", "fr": "La salle est pleine"},
    "room_full": {"en": "{n} people are already using the dashboard, the most this session allows. "
                        "Try again in a minute, or share a screen with a neighbour.",
                  "fr": "{n} personnes utilisent déjà le tableau de bord, le maximum prévu pour cette séance. "
                        "Réessayez dans une minute, ou partagez l'écran d'un voisin."},
    "machine_full": {"en": "{n} pages are already open from this machine, the most one machine may open. "
                           "Close one of them, then try again.",
                     "fr": "{n} pages sont déjà ouvertes depuis cette machine, le maximum pour une machine. "
                           "Fermez-en une, puis réessayez."},
    "try_again": {"en": "Try again", "fr": "Réessayer"},
    # territory figure
    "facilitator": {"en": "Facilitator", "fr": "Facilitateur"},
    "legend_chain": {"en": "Introduced: who introduced the facilitator to whom",
                     "fr": "Présenté : qui a présenté le facilitateur à qui"},
    "legend_reached": {"en": "Reached (thick ring: a decision-maker)", "fr": "Atteint (cercle épais : un décideur)"},
    "legend_project": {"en": "Project under way and its participants",
                       "fr": "Projet en cours et ses participants"},
    "legend_trust": {"en": "Tie (thicker = more trust)", "fr": "Lien (plus épais = plus de confiance)"},
    "territory_caption": {"en": "{actors}, {ties} · {reached} · {running}",
                          "fr": "{actors}, {ties} · {reached} · {running}"},
    # the words on screen, each said in one sentence (under the territory)
    "terms_title": {"en": "The words on this screen", "fr": "Les mots de cet écran"},
    "term_met": {"en": "Met: the facilitator has held a meeting with this person (the Story tab says when); meeting "
                       "someone does not make them trust the facilitator.",
                 "fr": "Rencontré : le facilitateur a eu un rendez-vous avec cette personne (l'onglet Récit dit "
                       "quand) ; une rencontre ne suffit pas pour qu'elle lui fasse confiance."},
    "term_introduced": {"en": "Introduced (red arrow): someone the person trusts presented the facilitator to them, "
                              "or the facilitator approached them directly (an arrow from the star).",
                        "fr": "Présenté (flèche rouge) : quelqu'un en qui la personne a confiance lui a présenté le "
                              "facilitateur, ou le facilitateur est allé la voir directement (flèche partant de "
                              "l'étoile)."},
    "term_reached": {"en": "Reached (black ring): the person trusts the facilitator enough to count as an ally, at "
                           "least {threshold} on a scale from 0 to 1; introduced is not yet reached, and a person "
                           "whose trust falls back is reached no more.",
                     "fr": "Atteint (cercle noir) : la personne fait assez confiance au facilitateur pour compter "
                           "parmi ses alliés, au moins {threshold} sur une échelle de 0 à 1 ; être présenté ne suffit "
                           "pas, et qui perd confiance n'est plus atteint."},
    "term_value": {"en": "Value (in value units): what the projects changed for the territory's people, the needs "
                         "answered weighted by their urgency and by how many people they concern; not what they "
                         "cost.",
                   "fr": "Valeur (en unités de valeur) : ce que les projets ont changé pour les habitants du "
                         "territoire, les besoins satisfaits pondérés par leur urgence et par le nombre de personnes "
                         "concernées ; pas ce qu'ils ont coûté."},
    "light_edges": {"en": "(large territory: ties drawn lightly)", "fr": "(grand territoire : liens en léger)"},
    # the cost table side by side: short column heads, the units said once under the table
    "col_value_per_public_euro": {"en": "Value per public €", "fr": "Valeur par € public"},
    "col_leverage": {"en": "Private € per public €", "fr": "€ privés par € public"},
    "col_meetings_used": {"en": "Meetings", "fr": "Rendez-vous"},
    "col_value_per_meeting": {"en": "Value per meeting", "fr": "Valeur par rendez-vous"},
    "cost_compare_note": {"en": "Value in value units; – while no public euro is spent or no meeting held. The "
                                "Measures tab says what each figure counts.",
                          "fr": "Valeur en unités de valeur ; – tant qu'aucun euro public n'est dépensé ou qu'aucun "
                                "rendez-vous n'a eu lieu. L'onglet Indicateurs dit ce que compte chaque chiffre."},
    # measures figure
    "fig_value": {"en": "Value created (cumulative)", "fr": "Valeur créée (cumulée)"},
    "fig_projects": {"en": "Projects", "fr": "Projets"},
    "fig_trust_pairs": {"en": "Trust between roles (0 to 1)", "fr": "Confiance entre rôles (0 à 1)"},
    "trust_reading": {"en": "row: who trusts · column: whom", "fr": "ligne : qui fait confiance · colonne : à qui"},
    "fig_engagement": {"en": "Engagement (0 to 1)", "fr": "Engagement (0 à 1)"},
    "fig_mean_trust": {"en": "Mean trust (0 to 1)", "fr": "Confiance moyenne (0 à 1)"},
    "fig_reached": {"en": "Actors reached", "fr": "Acteurs atteints"},
    "funded": {"en": "funded", "fr": "financés"},
    "succeeded": {"en": "succeeded", "fr": "réussis"},
    "failed": {"en": "failed", "fr": "échoués"},
    "crisis_band": {"en": "crisis", "fr": "crise"},
    "election_line": {"en": "election", "fr": "élection"},
    # is this run typical? (dashboard/band.py): the band of runs of the same setting and where the run sits in it
    "band_legend_median": {"en": "median of {n} runs like it", "fr": "médiane de {n} simulations semblables"},
    "band_legend_range": {"en": "10–90% of them (darker: 25–75%)", "fr": "10–90 % d'entre elles (foncé : 25–75 %)"},
    "band_computing": {"en": "Is this run typical? {n} runs of the same setting (only the seed differs) are being "
                             "computed to tell…",
                       "fr": "Cette simulation est-elle typique ? {n} simulations du même réglage (seule la graine "
                             "change) sont en cours de calcul pour le dire…"},
    "band_failed": {"en": "The runs of the same setting could not be computed: the trainer's screen has the details.",
                    "fr": "Les simulations du même réglage n'ont pas pu être calculées : l'écran du formateur en donne "
                          "le détail."},
    "band_same": {"en": "Month {month}: all {n} runs of the same setting have created the same value as this one "
                        "so far.",
                  "fr": "Mois {month} : les {n} simulations du même réglage ont toutes créé jusqu'ici autant de valeur "
                        "que celle-ci."},
    "band_lucky": {"en": "Month {month}: this run has created more value than {below} of the {n} runs of the same "
                         "setting ({pct}): a lucky run.",
                   "fr": "Mois {month} : cette simulation a créé plus de valeur que {below} des {n} simulations du "
                         "même réglage ({pct}) : une simulation chanceuse."},
    "band_better": {"en": "Month {month}: this run has created more value than {below} of the {n} runs of the same "
                          "setting ({pct}): better than usual, not exceptional.",
                    "fr": "Mois {month} : cette simulation a créé plus de valeur que {below} des {n} simulations du "
                          "même réglage ({pct}) : mieux que d'habitude, sans être exceptionnelle."},
    "band_typical": {"en": "Month {month}: a typical run, between the quartiles of the {n} runs of the same setting "
                           "(more value than {below} of them, less than {above}): this is what usually happens.",
                     "fr": "Mois {month} : une simulation typique, entre les quartiles des {n} simulations du même "
                           "réglage (plus de valeur que {below} d'entre elles, moins que {above}) : c'est ce qui "
                           "arrive d'habitude."},
    "band_worse": {"en": "Month {month}: this run has created less value than {above} of the {n} runs of the same "
                         "setting ({pct}): worse than usual, not exceptional.",
                   "fr": "Mois {month} : cette simulation a créé moins de valeur que {above} des {n} simulations du "
                         "même réglage ({pct}) : moins bien que d'habitude, sans être exceptionnelle."},
    "band_unlucky": {"en": "Month {month}: this run has created less value than {above} of the {n} runs of the same "
                           "setting ({pct}): an unlucky run.",
                     "fr": "Mois {month} : cette simulation a créé moins de valeur que {above} des {n} simulations du "
                           "même réglage ({pct}) : une simulation malchanceuse."},
}

STRATEGY_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "one_need_at_a_time": {
        "en": ("One need at a time", "Answer one need of the moment at a time, climb the chain of trust through "
               "introductions, then widen toward integrated projects."),
        "fr": ("Un besoin à la fois", "Répondre à un besoin du moment à la fois, remonter la chaîne de confiance "
               "par recommandations, puis élargir vers des projets intégrés."),
    },
    "top_down_plan": {
        "en": ("Top-down plan", "Design a comprehensive plan while seeking introductions to the mayor, the head "
               "of services and the State, pitch it to the most powerful, re-plan if refused, staff it by the "
               "organisation chart."),
        "fr": ("Plan global descendant", "Concevoir un plan global en cherchant à être présenté au maire, au "
               "directeur des services et à l'État, le proposer aux plus puissants, le refaire en cas de refus, "
               "le confier selon l'organigramme."),
    },
    "none": {
        "en": ("No facilitator", "Nobody facilitates: the territory's own dynamic (the reference run)."),
        "fr": ("Sans facilitateur", "Personne n'anime : la dynamique propre du territoire (la référence)."),
    },
    "sell_the_dream": {
        "en": ("Sell the dream", "Present the systemic vision to the people who listen and pitch it whole: those "
               "who embrace it hope for something, and lose their trust if nothing comes of it within a year."),
        "fr": ("Vendre le rêve", "Présenter la vision systémique à ceux qui écoutent et la proposer d'un bloc : "
               "ceux qui y adhèrent espèrent, et perdent confiance si rien n'en sort dans l'année."),
    },
    "initiation": {
        "en": ("Initiation days", "Send a delegation of the four roles to every initiation day of the Fabrique "
               "des transitions; it brings back the territory's project. Between days, small answers and "
               "introductions build the collective."),
        "fr": ("Journées d'initiation", "Envoyer une délégation des « 4 Fantastiques » à chaque journée d'initiation "
               "de la Fabrique des transitions ; elle en rapporte le projet du territoire. Entre deux journées, "
               "petites réponses et recommandations construisent le collectif."),
    },
    "commons": {
        "en": ("Commons", "Back socio-economic peers who make and fund open commons together, and ask elected "
               "officials and the State to open calls for commons that pay part of them; those who make or reuse "
               "one make the next on their own."),
        "fr": ("Communs", "Soutenir des pairs socio-économiques qui font et financent ensemble des communs "
               "ouverts, et demander aux élus et à l'État d'ouvrir des appels à communs qui en paient une part ; "
               "qui en a fait ou réutilisé un fait le suivant seul."),
    },
}

SCENARIO_TEXTS: dict[str, dict[str, str]] = {
    "default": {"en": "Small intercommunality (60 actors)", "fr": "Petite intercommunalité (60 acteurs)"},
    "village": {"en": "Rural village (20 actors)", "fr": "Village rural (20 acteurs)"},
    "metropolis": {"en": "Metropolis (580 actors)", "fr": "Métropole (580 acteurs)"},
    "crisis": {"en": "Crisis at month 30", "fr": "Crise au mois 30"},
    "high_trust": {"en": "Facilitator already trusted", "fr": "Facilitateur déjà reconnu"},
}

# The parameters a trainer plays with: the page shows one control each, in this order.
SLIDER_PARAMS: tuple[str, ...] = (
    "facilitator_trust0", "relay_attenuation", "meetings_per_month", "toolkit_coverage",
    "interdependence", "reelection_prob", "crisis_rate", "budget_elected",
)

# Short labels and help (en, fr), written for elected officials and civil servants; the schema's help (the
# command line's) is for modellers, and is the fallback.
PARAM_TEXTS: dict[str, dict[str, str]] = {
    "horizon_months": {  # not a slider: named in regime cards and sweep readings
        "en": "Horizon", "fr": "Horizon",
        "help_fr": "Nombre de mois que dure une simulation.",
    },
    "facilitator_trust0": {
        "en": "Initial trust in the facilitator", "fr": "Confiance initiale dans le facilitateur",
        "help_en": "How much the territory's actors trust the facilitator on the first day, from 0 (a stranger) to "
                   "1 (full trust); some a little more, some a little less.",
        "help_fr": "Confiance que les acteurs du territoire accordent au facilitateur le premier jour, de 0 (un "
                   "inconnu) à 1 (pleine confiance) ; certains un peu plus, d'autres un peu moins.",
    },
    "relay_attenuation": {
        "en": "Strength of introductions", "fr": "Force des recommandations",
        "help_en": "What an introduction is worth: someone introduced to the facilitator by a person they trust "
                   "starts with part of that trust, the more so as this is high; at 0 the introduction still brings "
                   "the meeting, but no trust.",
        "help_fr": "Ce que vaut une recommandation : une personne à qui le facilitateur est présenté par "
                   "quelqu'un en qui elle a confiance lui accorde d'emblée une part de cette confiance, d'autant "
                   "plus grande que ce réglage est haut ; à 0, la recommandation obtient encore le "
                   "rendez-vous, mais aucune confiance.",
    },
    "meetings_per_month": {
        "en": "Facilitator's meetings a month", "fr": "Rendez-vous du facilitateur par mois",
        "help_en": "How many meetings the facilitator can hold each month: the time the facilitator has.",
        "help_fr": "Nombre de rendez-vous que le facilitateur peut tenir chaque mois : le temps dont il dispose.",
    },
    "toolkit_coverage": {
        "en": "Facilitator's toolkit", "fr": "Boîte à outils du facilitateur",
        "help_en": "Share of the territory's topics on which the facilitator knows how to answer a need: at 0.6, "
                   "about 6 topics in 10.",
        "help_fr": "Part des thèmes du territoire sur lesquels le facilitateur sait répondre à un besoin : à 0,6, "
                   "environ 6 thèmes sur 10.",
    },
    "interdependence": {
        "en": "Interdependence of topics", "fr": "Interdépendance des thèmes",
        "help_en": "How much the territory's topics depend on one another: the higher it is, the less an action on "
                   "one topic is worth while the topics linked to it lag behind (0: each topic stands alone).",
        "help_fr": "À quel point les thèmes du territoire dépendent les uns des autres : plus c'est haut, moins "
                   "une action sur un thème vaut tant que les thèmes qui lui sont liés restent en retard (0 : "
                   "chaque thème avance seul).",
    },
    "reelection_prob": {
        "en": "Chance of re-election", "fr": "Chance de réélection",
        "help_en": "Chance that an elected official is re-elected at an election (0.6: 6 times in 10); otherwise a "
                   "newcomer takes the seat.",
        "help_fr": "Chance qu'un élu soit réélu à une élection (0,6 : 6 fois sur 10) ; sinon un nouveau venu prend "
                   "sa place.",
    },
    "crisis_rate": {
        "en": "Chance of a crisis each month", "fr": "Risque de crise chaque mois",
        "help_en": "Chance, each month, that a crisis strikes the territory (0.01: one crisis every 100 months on "
                   "average).",
        "help_fr": "Risque, chaque mois, qu'une crise frappe le territoire (0,01 : une crise tous les 100 mois en "
                   "moyenne).",
    },
    "budget_elected": {
        "en": "Local transition budget", "fr": "Budget local de transition",
        "help_en": "Euros the elected officials can give to the transition each year, shared among them by their "
                   "weight, renewed every 12 months.",
        "help_fr": "Euros que les élus peuvent consacrer chaque année à la transition, partagés entre eux selon "
                   "leur poids, renouvelés tous les 12 mois.",
    },
}

# Short role names for chart ticks and legends (the full ones come from the roles module).
ROLE_SHORT: dict[str, dict[Role, str]] = {
    "en": {Role.ELECTED: "Elected", Role.CIVIL: "Civil serv.", Role.STATE: "State", Role.SOCIO: "Socio-eco."},
    "fr": {Role.ELECTED: "Élus", Role.CIVIL: "Agents coll.", Role.STATE: "État", Role.SOCIO: "Socio-éco."},
}

# The payers of ODD section 9.2, as the cost figures name them.
PAYER_TEXTS: dict[str, dict[Role, str]] = {
    "en": {Role.ELECTED: "Elected officials", Role.STATE: "The State", Role.SOCIO: "Socio-economic actors"},
    "fr": {Role.ELECTED: "Élus", Role.STATE: "État", Role.SOCIO: "Acteurs socio-économiques"},
}

# The units of value and of what it cost, (singular, plural) in each language: value is counted in the ODD's
# "value units" (docs/ODD.md section 2.6), never in euros.
UNIT_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "value": {"en": ("value unit", "value units"), "fr": ("unité de valeur", "unités de valeur")},
    "value_per_public_euro": {"en": ("value unit per public euro", "value units per public euro"),
                              "fr": ("unité de valeur par euro public", "unités de valeur par euro public")},
    "leverage": {"en": ("private euro per public euro", "private euros per public euro"),
                 "fr": ("euro privé par euro public", "euros privés par euro public")},
    "meetings": {"en": ("meeting", "meetings"), "fr": ("rendez-vous", "rendez-vous")},
    "value_per_meeting": {"en": ("value unit per meeting", "value units per meeting"),
                          "fr": ("unité de valeur par rendez-vous", "unités de valeur par rendez-vous")},
}

# Counted things, (singular, plural): French takes the singular below 2 (0 projet, 1 projet), English for 1 only.
PLURALS: dict[str, dict[str, tuple[str, str]]] = {
    "actor": {"en": ("actor", "actors"), "fr": ("acteur", "acteurs")},
    "tie": {"en": ("tie", "ties"), "fr": ("lien", "liens")},
    "year": {"en": ("year", "years"), "fr": ("an", "ans")},
    "reached_by": {"en": ("reached by the facilitator", "reached by the facilitator"),
                   "fr": ("atteint par le facilitateur", "atteints par le facilitateur")},
    "running": {"en": ("project under way", "projects under way"), "fr": ("projet en cours", "projets en cours")},
    "succeeded": {"en": ("succeeded", "succeeded"), "fr": ("réussi", "réussis")},
    "failed": {"en": ("failed", "failed"), "fr": ("échoué", "échoués")},
    "roles_reached": {"en": ("of 4 reached", "of 4 reached"), "fr": ("sur 4 atteint", "sur 4 atteints")},
    "introduced_only": {"en": ("introduced only", "introduced only"),
                        "fr": ("présenté seulement", "présentés seulement")},
}

UNIT_TEXTS: dict[str, str] = {
    "0..1": "de 0 à 1",
    "probability": "probabilité",
    "probability/month": "probabilité/mois",
    "meetings": "rendez-vous",
    "EUR/year": "€/an",
    "months": "mois",
    "actors": "acteurs",
}
UNIT_TEXTS_EN: dict[str, str] = {"0..1": "0 to 1", "probability/month": "probability a month", "EUR/year": "€ a year"}


def t(key: str, lang: str, **fields: object) -> str:
    """The text ``key`` in ``lang``, with ``fields`` formatted in."""
    text = TEXTS[key][lang]
    return text.format(**fields) if fields else text


def strategy_label(name: str, lang: str) -> str:
    """A strategy's display name (a researcher's own strategy keeps its code name)."""
    return STRATEGY_TEXTS[name][lang][0] if name in STRATEGY_TEXTS else name


def strategy_help(name: str, lang: str) -> str:
    return STRATEGY_TEXTS[name][lang][1] if name in STRATEGY_TEXTS else ""


def scenario_label(name: str, description: str, lang: str) -> str:
    """A scenario's short name; a scenario without a translation shows its file name and description."""
    if name in SCENARIO_TEXTS:
        return SCENARIO_TEXTS[name][lang]
    return f"{name}: {description}" if description else name


def param_label(name: str, lang: str) -> str:
    return PARAM_TEXTS[name][lang] if name in PARAM_TEXTS else name


def param_help(name: str, lang: str) -> str:
    """The page's help in ``lang``, written for the room; the schema's (a modeller's) when it has none."""
    return PARAM_TEXTS.get(name, {}).get(f"help_{lang}", PARAMETERS[name].help)


def unit_label(unit: str, lang: str) -> str:
    return UNIT_TEXTS.get(unit, unit) if lang == "fr" else UNIT_TEXTS_EN.get(unit, unit)


def count(n: int, key: str, lang: str) -> str:
    """``n`` and the word ``key`` agreeing with it: "1 projet en cours", "0 projet en cours", "2 projects"."""
    one, many = PLURALS[key][lang]
    return f"{fmt_number(n, lang)} {one if (n < 2 if lang == 'fr' else n == 1) else many}"


def role_title(role: Role, lang: str) -> str:
    """"Elected official: sets the course", from the roles module."""
    label = role.label(lang)
    return f"{label[0].upper()}{label[1:]} : {role.nickname(lang)}" if lang == "fr" else (
        f"{label[0].upper()}{label[1:]}: {role.nickname(lang)}")


def localize(text: str, lang: str) -> str:
    """A number written the English way (1,234.5) as ``lang`` writes it: 1 234,5 in French, a narrow no-break
    space grouping thousands. Every French number of the dashboard, the regime cards and the comparison's
    reading goes through here, so the convention is written once."""
    return text.replace(",", NNBSP).replace(".", ",") if lang == "fr" else text


def percent_sign(number: str, lang: str) -> str:
    """``84 %`` in French (a narrow no-break space before the sign), ``84%`` in English."""
    return f"{number}{NNBSP}%" if lang == "fr" else f"{number}%"


def guillemets(text: str, lang: str) -> str:
    """A name quoted: « nom » in French, “name” in English."""
    return f"«{NNBSP}{text}{NNBSP}»" if lang == "fr" else f"\u201c{text}\u201d"


def french_spaces(text: str) -> str:
    """Narrow no-break spaces before ; : ! ? and % in French text (a space already there is replaced)."""
    for mark in ";:!?%":
        text = text.replace(f" {mark}", f"{NNBSP}{mark}")
    return text


def fmt_number(x: float, lang: str, digits: int = 0) -> str:
    """1 234 567 in French, 1,234,567 in English."""
    return localize(f"{x:,.{digits}f}", lang)


def fmt_percent(pct: int, lang: str) -> str:
    """90 % in French (a narrow no-break space), 90% in English."""
    return f"{pct}\u202f%" if lang == "fr" else f"{pct}%"


def fmt_significant(x: float, lang: str, digits: int = 3) -> str:
    """A ratio to ``digits`` significant digits, written as :func:`fmt_number` writes (0,0137; 17,4; 1 900)."""
    decimals = 0 if x == 0 else max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return fmt_number(x, lang, decimals)


def fmt_keur(euros: float, lang: str) -> str:
    """Euros in thousands: 86 k€ in French, €86k in English (a decimal below 10 k€: 6,2 k€)."""
    k = euros / 1000
    text = fmt_number(k, lang, 1 if 0 < abs(k) < 9.95 else 0)
    return f"{text}\u00a0k€" if lang == "fr" else f"€{text}k"


def unit_words(key: str, written: str, lang: str) -> str:
    """The unit ``key`` agreeing with a number as :func:`fmt_number` wrote it: singular below 2 in French
    (0,5 unité de valeur), for "1" alone in English (0.5 value units, 1.00 meetings)."""
    one, many = UNIT_WORDS[key][lang]
    if lang == "fr":
        return one if abs(float(written.replace(NNBSP, "").replace(",", "."))) < 2 else many
    return one if written == "1" else many


def quantity(key: str, x: float, lang: str, digits: int = 3) -> tuple[str, str]:
    """``x`` to ``digits`` significant digits and its unit agreeing with it: ("17,4", "unités de valeur par
    rendez-vous"), ("0.5", "meetings")."""
    written = fmt_significant(x, lang, digits)
    return written, unit_words(key, written, lang)
