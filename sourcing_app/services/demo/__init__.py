"""The seeded demo portfolio behind `sourcing-app demo`: catalogue, generator, planted patterns.

A buyer opening the app for the first time needs data that looks like their own
business and shows every judgement the app makes. So the demo is not uniform
noise: it plants the patterns buyers meet (docs/standings-and-flags.md) on
purpose, at fixed places for a given seed, and `DemoSummary.planted` says where.

The portfolio is a grey-market importer's: most suppliers are composite
channels, and each extra hand in a chain quotes dearer and delivers later,
shorter and noisier, while official channels are mostly, not always, steady.
At the default size and seed the standings spread about a quarter Preferred,
two fifths Approved, a quarter Watch and under a tenth Avoid
(tests/services/test_demo.py holds it there).

How it is laid out:
- `catalogue`: the invented brands, products, names and rates of resources/demo/;
- `plan`, `portfolio`, `channels`, `prices`, `supply`: the generator, which plans
  the portfolio in memory from one `random.Random(seed)`;
- `patterns`: the planted patterns and where they were planted;
- `history`: the purchase lines, deliveries and returns, drawn in chunks;
- `after_sale`: customs clearance and returns after sale, from a stream of their own;
- `rows`, `bulk`: the rows of each table and the driver-level executemany writer;
- `generator`: `build_demo`, which runs the steps in their fixed order.
"""

from sourcing_app.services.demo.generator import build_demo
from sourcing_app.services.demo.patterns import COMPOSITE_ONLY_BRAND, SINGLE_CHANNEL_BRAND
from sourcing_app.services.demo.plan import DemoSummary, PlantedPattern

__all__ = [
    "COMPOSITE_ONLY_BRAND",
    "SINGLE_CHANNEL_BRAND",
    "DemoSummary",
    "PlantedPattern",
    "build_demo",
]
