"""The "what happened" paragraph at the top of each report, written from the run's own numbers.

Plain sentences, numbers as the cards show them; nothing here is a claim beyond the run's
summary (and, for a civil-violence run, its table of steps). Returned as plain text; the page
escapes it.
"""

from __future__ import annotations

from typing import Any, Mapping

from quotasim.outputs.style import fmt_number


def _n(value: Any) -> str:
    return fmt_number(value)


def _usd(value: float) -> str:
    return f"USD {value:,.0f}"


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def campaign_story(summary: Mapping[str, Any], *, duration_days: int, review_day: int, gap_days: int = 0) -> str:
    """What a campaign run did, in four or five sentences."""
    s = summary
    r = s["at_review"]
    campaigns, officials = int(s["campaigns"]), int(s["officials"])
    who = "officials" if campaigns == 1 else "official-campaigns"
    if campaigns == 1:
        opening = (f"In a campaign of {duration_days} days, {officials:,} officials were told to deliver "
                   f"{_usd(s['quota_usd_total'])} in foreign currency")
    else:
        gaps = f", {gap_days} days apart" if gap_days else ", back to back"
        opening = (f"In {campaigns} campaigns of {duration_days} days{gaps}, {officials:,} officials were told to "
                   f"deliver {_usd(s['quota_usd_total'])} in all")
    sentences = [
        f"{opening}. By the review on day {review_day}, which decides who is commended, criticised or referred, "
        f"they had delivered {_usd(r['collected_usd'])} ({_share(r['collected_usd'], s['quota_usd_total'])} of the quota), "
        f"and {_n(r['met_quota'])} {who} ({_share(r['met_quota'], officials * campaigns)}) had met their quota."
    ]
    taken = s["collected_by_source"]["households"]
    if s["collected_usd"] > 0:
        sentences.append(
            f"Of the {_usd(s['collected_usd'])} delivered over the whole run, {_usd(taken)} "
            f"({_share(taken, s['collected_usd'])}) was taken from households \"by any means\", and "
            f"{_usd(s['collected_by_source']['own_savings'])} came from the officials' own savings; "
            f"{_plural(int(s['households_squeezed']), 'household')} lost more than a tenth of what they held."
        )
    sentences.append(
        f"The committee commended {_n(s['commended'])}, criticised {_n(s['criticised'])} and referred "
        f"{_n(s['referred'])} to the security service"
        + (f", which also opened {_plural(int(s['referred_by_informants']), 'case')} on informants' reports" if s["referred_by_informants"] else "")
        + "."
    )
    arrested = int(s["arrested"])
    if arrested:
        kin = []
        if s["relatives_investigated"]:
            kin.append(f"{_plural(int(s['relatives_investigated']), 'relative')} investigated")
        if s["relatives_lost_jobs"]:
            kin.append(f"{_n(s['relatives_lost_jobs'])} lost foreign-currency jobs")
        if s["exiled_persons"]:
            kin.append(f"{_plural(int(s['exiled_persons']), 'person')} exiled")
        tail = (", with " + ", ".join(kin[:-1]) + (" and " if len(kin) > 1 else "") + kin[-1]) if kin else ", and no relative was touched"
        wait = s.get("case_wait_days_mean")
        queue = f" (a case waited {wait:.1f} days for arrest on average)" if wait else ""
        sentences.append(f"In all {_plural(arrested, 'official was', 'officials were')} arrested{queue}{tail}.")
    else:
        sentences.append("Nobody was arrested.")
    fear_review, fear_end = r.get("fear_index"), s.get("fear_index_end")
    if fear_review is not None and fear_end is not None:
        sentences.append(f"Fear among the officials still free stood at {fear_review:.2f} (on a scale of 0 to 1) at the "
                         f"review and {fear_end:.2f} at the end.")
    return " ".join(sentences)


def civil_violence_story(summary: Mapping[str, Any], steps=None) -> str:
    """What a civil-violence run did, in three or four sentences."""
    s = summary
    ob = s["outbursts"]
    sentences = [
        f"Over {s['steps']:,} steps, of {s['citizens']:,} citizens watched by {s['cops_initial']:,} cops, "
        f"{s['mean_active']:,.1f} were active and {s['mean_jailed']:,.1f} in jail on average; activity peaked at "
        f"{s['peak_active']:,} citizens at step {s['peak_active_step']:,}."
    ]
    if ob["count"]:
        sentences.append(
            f"There {'was' if ob['count'] == 1 else 'were'} {_plural(int(ob['count']), 'outburst')} (more than "
            f"{ob['threshold_active']:,.0f} citizens active at once), lasting {ob['mean_duration']:.1f} steps and peaking "
            f"at {ob['mean_peak']:,.0f} actives on average"
            + (f", {ob['mean_waiting_time']:.1f} steps apart" if ob["count"] > 1 else "") + "."
        )
    else:
        sentences.append(f"There was no outburst (more than {ob['threshold_active']:,.0f} citizens active at once).")
    if steps is not None and len(steps) > 1:
        for column, what in (("legitimacy", "Legitimacy"), ("cops", "The number of cops")):
            values = steps[column].to_numpy()
            if values.min() != values.max():
                changed = int(steps["step"].to_numpy()[(values != values[0]).argmax()])
                sentences.append(f"{what} went from {_n(values[0].item())} to {_n(values[-1].item())}, changing from step {changed:,}.")
    sentences.append(
        f"At the end {s['final']['active']:,} citizens were active, {s['final']['jailed']:,} in jail and "
        f"{s['final']['quiet_aggrieved']:,} quiet but aggrieved."
    )
    return " ".join(sentences)


__all__ = ["campaign_story", "civil_violence_story"]
