"""ODD section 1 (patterns): trust concentrated on one elected official is fragile at elections,
while chains engaging all four roles hold. Two test strategies pitch the same projects to the
mayor; one carries them with the mayor alone, the other with a civil servant, a State agent
and a socio-economic actor. Their value after an election that replaces every official is
compared (the mechanism at work is the orphan loss of the improvements of the topic state, value.py)."""

import numpy as np

from transition_sim import Strategy, TerritoryModel
from transition_sim.projects import PROJECT


class _MayorOnly(Strategy):
    name = "_mayor_only"
    four_roles = False

    def act(self, model, fac):
        mayor = int(model.elected_idx[0])
        need = fac.answerable_need(mayor)
        if need is None or fac.busy(mayor):
            return
        topic, _u, cost = need
        if self.four_roles:
            project = model.new_project(PROJECT, (topic,), cost, sponsor=mayor, beneficiary=mayor,
                                        civil=model.structuring_civil(mayor), state=model.trusted_state(mayor),
                                        executors=model.trusted_executors(mayor, (topic,), k=1))
        else:
            project = model.new_project(PROJECT, (topic,), cost, sponsor=mayor, beneficiary=mayor)
        fac.pitch(project)


class _FourRoles(_MayorOnly):
    name = "_four_roles"
    four_roles = True


def _kept(strategy: type[Strategy]) -> float:
    kept = []
    for seed in range(6):
        model = TerritoryModel(strategy=strategy, seed=seed, facilitator_trust0=0.9, toolkit_coverage=1.0,
                               election_offset=60, reelection_prob=0.0, state_rotation=0.0, civil_mobility=0.0,
                               self_org_rate=0.0, horizon_months=61, regulated_topics=(), state_cofund_share=0.0)
        model.run()
        rate = model.datacollector.get_model_vars_dataframe()["state_value_rate"]
        kept.append(rate.iloc[60] / rate.iloc[59])
    return float(np.mean(kept))


def test_chains_engaging_all_four_roles_hold_at_elections():
    alone, team = _kept(_MayorOnly), _kept(_FourRoles)
    assert alone < team
    assert alone < 0.75  # a single ally's improvements lose half of what is left when it goes
