"""The words of the dataset: banks of interaction texts made once from the demo's templates.

Formatting a template for each of ten million interactions would cost more than writing them, so
a few thousand texts are filled in once (lanes, cargo, vehicles, prices and people drawn at
random) and each interaction picks one. A bank entry is the tail of an interaction's COPY line:
channel, direction, duration, content, next step and an empty source reference.
"""

from __future__ import annotations

import random

from baton.customers.demo.data import (
    CARGO_BY_INDUSTRY,
    COLD_TEXTS,
    CUSTOMER_WECHATS,
    GIVEN_PINYIN,
    HUBS,
    NEXT_STEPS,
    SURNAME_PINYIN,
    TEXTS,
    TITLES,
    VEHICLES,
)
from baton.customers.demo.generators import lane_price
from baton.customers.models import InteractionChannel
from baton.demo.dataset.sql import NULL, escape

WEEKDAY_BANK = 4096
WEEKEND_BANK = 1024
# Channel weights on a working day (call, WeChat, e-mail, visit, meeting, note), as the demo's.
CHANNEL_WEIGHTS = (34, 30, 10, 8, 2, 8)
TASK_TITLES = (
    *(step for step in NEXT_STEPS if step),
    "回访客户，确认上月运输服务评价",
    "催收上月运费",
    "准备季度业务回顾材料",
    "确认旺季运力需求",
)
CARGO_ALL = sorted({cargo for cargos in CARGO_BY_INDUSTRY.values() for cargo in cargos})


def _fill(rng: random.Random) -> dict[str, object]:
    """Values for a template's placeholders."""
    origin, destination = rng.sample(list(HUBS), 2)
    surname, given = rng.choice(list(SURNAME_PINYIN)), rng.choice(list(GIVEN_PINYIN))
    title = TITLES[rng.choice(list(TITLES))]
    vehicle = rng.choice(list(VEHICLES))
    shipments = rng.randint(8, 60)
    return {
        "who": surname + title if title else surname + given,
        "boss": rng.choice(list(SURNAME_PINYIN)) + "总",
        "o": origin,
        "d": destination,
        "lane": f"{origin}{rng.choice(('→', '到', '-'))}{destination}",
        "cargo": rng.choice(CARGO_ALL),
        "vehicle": vehicle,
        "n": rng.randint(1, 4),
        "tons": rng.choice((80, 120, 150, 200, 300, 500)),
        "wan": rng.choice(("0.5", "1", "2", "3", "5")),
        "terms": rng.choice((15, 30, 45, 60)),
        "lead": rng.choice((1, 1, 2)),
        "k": shipments,
        "k_on": shipments - rng.choice((0, 0, 1, 1, 2)),
        "dmg": rng.choice((0, 0, 0, 1)),
        "month": rng.randint(1, 12),
        "price": lane_price(origin, destination, vehicle),
        "h": rng.randint(2, 8),
        "len": rng.choice(("9.6", "13")),
        "year": rng.choice((2025, 2026, 2027)),
    }


def _entry(rng: random.Random, channel: str) -> str:
    texts = TEXTS[channel]
    if channel in (InteractionChannel.CALL, InteractionChannel.WECHAT) and rng.random() < 0.1:
        texts = texts + COLD_TEXTS
    text = rng.choice(texts)
    content = text.format(**_fill(rng))
    inbound = text in CUSTOMER_WECHATS or text.startswith("{who}来电")
    direction, duration = "", NULL
    if channel == InteractionChannel.CALL:
        direction, duration = ("in" if inbound else "out"), str(rng.randint(45, 900))
    elif channel in (InteractionChannel.WECHAT, InteractionChannel.EMAIL):
        direction = "in" if inbound else "out"
    step = "" if channel == InteractionChannel.NOTE else rng.choice(NEXT_STEPS)
    return f"{channel}\t{direction}\t{duration}\t{escape(content)}\t{escape(step)}\t\n"


def interaction_banks(rng: random.Random) -> tuple[list[str], list[str]]:
    """(working-day bank, weekend bank): on weekends eight in ten contacts are on WeChat."""
    channels = list(TEXTS)
    weekday = [_entry(rng, rng.choices(channels, weights=CHANNEL_WEIGHTS)[0]) for _i in range(WEEKDAY_BANK)]
    weekend = [
        _entry(
            rng,
            InteractionChannel.WECHAT
            if rng.random() < 0.8
            else rng.choices(channels, weights=CHANNEL_WEIGHTS)[0],
        )
        for _i in range(WEEKEND_BANK)
    ]
    return weekday, weekend
