"""The forecast as a chart: a Mermaid `xychart-beta` of how many simulated runs finish in each sprint (bars) and
how many are done by then (line), with the commitment named in the title.

`xychart-beta` exists since Mermaid 10.5; mermaid-cli 11 renders it (scripts/check_mermaid.py), and the keyword is
still accepted by Mermaid 11, which also knows it as `xychart`.
"""

from __future__ import annotations

from typing import Any

#: Above this many bars the chart groups the latest finishes into one bar ("N+"), so it stays readable.
MAX_BARS = 24


def forecast_chart(forecast: Any, commitment: Any) -> str | None:
    """The distribution of finish sprints (a Forecast's histogram) as an xychart; None without a histogram."""
    bars = [(str(b.sprints), b.share) for b in forecast.histogram]
    if not bars:
        return None
    if len(bars) > MAX_BARS:
        head, tail = bars[: MAX_BARS - 1], bars[MAX_BARS - 1:]
        bars = head + [(f"{tail[0][0]}+", sum(share for _, share in tail))]
    shares = [round(share * 100, 1) for _, share in bars]
    done, running = [], 0.0
    for share in shares:
        running = min(100.0, running + share)
        done.append(round(running, 1))
    title = f"Finish sprint in {forecast.trials:,} simulated runs"
    if commitment:
        title += f": commit to sprint {commitment.sprints} (P{commitment.confidence})"
    axis = ", ".join(f'"{name}"' for name, _ in bars)
    return "\n".join([
        '%%{init: {"xyChart": {"width": 900, "height": 300}}}%%',  # wide and low: it reads at a glance
        "xychart-beta",
        f'    title "{title}"',  # our own words and numbers only: no user text reaches the chart
        f'    x-axis "Sprints to finish" [{axis}]',
        '    y-axis "% of runs" 0 --> 100',
        f"    bar [{', '.join(_number(v) for v in shares)}]",
        f"    line [{', '.join(_number(v) for v in done)}]",
    ]) + "\n"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)
