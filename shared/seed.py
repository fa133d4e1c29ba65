"""Seed data: one deterministic, believable data set for a platform database.

``python -m shared.seed --size small --seed 42`` (``make seed``) fills the database at
MONGODB_URL; ``make serve SIZE=small`` fills the app's in-memory database at start-up (the
app calls ``seed_database``). It writes the kit's models (``shared.models``) straight into
their collections in bulk, never through a learner's services, so it works whatever tasks
are done.

What it makes (the counts are ``SIZES``, the one table of them): users (consumers, leaders,
two admins) and suppliers, communities run by leaders with members, products with variants
in every category and status, posts with stats, promotions in every status and orders in
every status spread over ``SPAN_DAYS`` days before the anchor, with some days without any
order. The references hold: an order's items point at real products of real suppliers, its
customer is a real active user, a member is a real user, a promotion's products are its
supplier's own.

Deterministic: the documents (ids included) depend only on the seed, the size and the anchor
date (by default today, UTC, so "the last N days" has data; ``--anchor 2026-12-01`` fixes
it). Every account's password is ``PASSWORD``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from bson import ObjectId

PASSWORD = "Seeded-Platform-1"
# bcrypt (10 rounds) of PASSWORD as the kit's auth services prepare it (base64 of its SHA-256):
# one hash for every seeded account, so seeding never spends time hashing.
PASSWORD_HASH = "$2b$10$d6Y74Df9kzfI2CQUhulxOueCaJYmu1UmgybBuTGikQOn9cAIutsTu"
SPAN_DAYS = 180  # orders, posts and promotions spread over this many days before the anchor
DEFAULT_SEED = 42


@dataclass(frozen=True)
class Size:
    users: int
    suppliers: int
    products_per_supplier: int  # at most MAX_PRODUCTS_PER_SUPPLIER (50); deleted ones included
    communities: int
    posts: int
    promotions: int
    orders: int


# The one table of sizes (docs/maintainers.md "Seed data" shows it). Large is large enough
# that a collection scan or an unbounded pipeline over orders shows in the timings.
SIZES: dict[str, Size] = {
    "small": Size(users=200, suppliers=12, products_per_supplier=10, communities=8, posts=400, promotions=24,
                  orders=2_000),
    "medium": Size(users=2_000, suppliers=30, products_per_supplier=25, communities=40, posts=4_000,
                   promotions=120, orders=20_000),
    "large": Size(users=20_000, suppliers=60, products_per_supplier=45, communities=200, posts=40_000,
                  promotions=600, orders=100_000),
}

COLLECTIONS = ("users", "suppliers", "communities", "products", "posts", "promotions", "orders", "order_quotas")


class SeedError(Exception):
    """A reason to refuse, in one line."""


def expected_counts(size: str) -> dict[str, int]:
    """The documents per collection of ``size`` (order_quotas depend on the data: not here)."""
    s = SIZES[size]
    return {"users": s.users, "suppliers": s.suppliers, "communities": s.communities,
            "products": s.suppliers * s.products_per_supplier, "posts": s.posts, "promotions": s.promotions,
            "orders": s.orders}


# -- words ------------------------------------------------------------------------------------

FIRST = ["Ada", "Ben", "Chiara", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ines", "Jonas", "Kemal", "Lena",
         "Mateo", "Nora", "Oskar", "Priya", "Quentin", "Rosa", "Samir", "Tove", "Uma", "Viktor", "Wen", "Yara", "Zoe"]
LAST = ["Albers", "Brandt", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova", "Jensen",
        "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Schmidt", "Tanaka", "Weber"]
CITIES = [("Hamburg", "HH", "20457", "DE"), ("Berlin", "BE", "10115", "DE"), ("Lyon", None, "69002", "FR"),
          ("Austin", "TX", "73301", "US"), ("Portland", "OR", "97201", "US"), ("Leeds", None, "LS1 4AP", "GB"),
          ("Utrecht", None, "3511 AB", "NL"), ("Porto", None, "4000-322", "PT"), ("Gdansk", None, "80-001", "PL")]
STREETS = ["Harbour Lane", "Mill Road", "Station Street", "Linden Allee", "Market Square", "Canal Walk", "Oak Avenue"]
COMPANY_A = ["Northwind", "Bluefin", "Copperleaf", "Driftwood", "Evergreen", "Foxglove", "Granite", "Hollowbrook",
             "Ironbark", "Juniper", "Kestrel", "Lighthouse", "Meadow", "Nimbus", "Orchard", "Pinecone"]
COMPANY_B = ["Trading", "Supply", "Goods", "Outfitters", "Works", "Collective", "Provisions", "Studio"]
COMPANY_SUFFIX = {"llc": "LLC", "corporation": "Corp.", "partnership": "& Partners", "sole_proprietorship": "",
                  "nonprofit": "Foundation"}
PRODUCT_WORDS = {
    "electronics": ["Wireless Earbuds", "USB-C Hub", "Desk Lamp", "Smart Plug", "Power Bank", "Bluetooth Speaker"],
    "fashion": ["Linen Shirt", "Wool Scarf", "Canvas Sneakers", "Denim Jacket", "Rain Coat", "Cotton Tee"],
    "home": ["Ceramic Mug", "Throw Blanket", "Cutting Board", "Scented Candle", "Table Runner", "Glass Vase"],
    "beauty": ["Face Serum", "Lip Balm", "Hand Cream", "Clay Mask", "Body Oil", "Shampoo Bar"],
    "sports": ["Yoga Mat", "Water Bottle", "Running Cap", "Resistance Bands", "Climbing Chalk", "Bike Light"],
    "toys": ["Wooden Blocks", "Puzzle Box", "Plush Fox", "Kite", "Marble Run", "Card Game"],
    "books": ["Field Guide", "Cookbook", "Travel Journal", "Poetry Collection", "Sketchbook", "Atlas"],
    "food": ["Olive Oil", "Coffee Beans", "Dark Chocolate", "Wildflower Honey", "Green Tea", "Spice Set"],
    "health": ["Vitamin D", "Sleep Mask", "Foam Roller", "First Aid Kit", "Herbal Tea", "Posture Cushion"],
    "garden": ["Herb Seeds", "Pruning Shears", "Watering Can", "Planter Pot", "Bird Feeder", "Garden Gloves"],
    "other": ["Gift Card Holder", "Tote Bag", "Umbrella", "Keychain", "Notebook Set", "Picnic Basket"],
}
ADJECTIVES = ["Classic", "Everyday", "Premium", "Compact", "Organic", "Nordic", "Handmade", "Urban", "Coastal"]
PRICE_RANGE = {"electronics": (1500, 25000), "fashion": (1200, 15000), "home": (800, 9000), "beauty": (600, 6000),
               "sports": (900, 12000), "toys": (700, 8000), "books": (900, 4500), "food": (400, 3500),
               "health": (500, 7000), "garden": (500, 8000), "other": (300, 6000)}
UNITS = {"food": ["pack", "kg", "g", "l", "box"], "beauty": ["ml", "piece", "set"], "fashion": ["piece", "pair"],
         "garden": ["piece", "set", "pack"], "home": ["piece", "set", "m", "m2"], "toys": ["piece", "set", "box"]}
COLOURS = ["Red", "Blue", "Green", "Black", "White", "Sand", "Olive"]
SIZES_APPAREL = ["S", "M", "L", "XL"]
CAPACITY = ["250", "500", "1000"]
COMMUNITY_TOPICS = [("Home Cooks", "food"), ("Trail Runners", "sports"), ("Gadget Lab", "electronics"),
                    ("Slow Fashion", "fashion"), ("Balcony Gardens", "garden"), ("Book Circle", "books"),
                    ("Skin Care Talk", "beauty"), ("Board Game Night", "toys"), ("Cosy Homes", "home"),
                    ("Healthy Habits", "health"), ("Deal Hunters", "other")]
POST_LINES = ["Just tried this and I am impressed.", "Has anyone compared these two?", "Weekend project done!",
              "Tip: check the size chart before ordering.", "Looking for recommendations under 30 euros.",
              "Unboxing photos below.", "Three months in, still going strong.", "Which colour would you pick?"]
CARRIERS = ["DHL", "UPS", "PostNL", "La Poste", "USPS"]

# Orders by status (weights); the recent ones lean to the early statuses.
ORDER_STATUSES = {"pending": 4, "confirmed": 8, "processing": 6, "shipped": 10, "delivered": 55, "cancelled": 10,
                  "refunded": 4, "failed": 3}
RECENT_STATUSES = {"pending": 30, "confirmed": 30, "processing": 15, "shipped": 10, "cancelled": 10, "failed": 5}
PRODUCT_STATUSES = {"active": 76, "out_of_stock": 6, "discontinued": 6, "draft": 8, "deleted": 4}
PROMOTION_STATUSES = ["draft", "pending_approval", "scheduled", "active", "paused", "ended", "cancelled"]


class _Ids:
    """ObjectIds made from the seed: the creation time in the first four bytes (as a server
    would), then bytes from the seed's generator and a counter."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.counter = 0

    def at(self, when: datetime) -> ObjectId:
        self.counter += 1
        return ObjectId(int(when.timestamp()).to_bytes(4, "big") + self.rng.randbytes(5)
                        + (self.counter % (1 << 24)).to_bytes(3, "big"))


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = max(int((end - start).total_seconds()), 1)
    return (start + timedelta(seconds=rng.randrange(seconds))).replace(microsecond=0)


def _dump(document) -> dict[str, Any]:
    """A validated model as the driver stores it: ``_id`` first, enums as their values."""
    data = document.model_dump(by_alias=True, exclude={"revision_id"})
    return _plain(data)


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str) and type(value) is not str:  # a str Enum
        return str(value.value)
    if isinstance(value, ObjectId) and type(value) is not ObjectId:
        return ObjectId(value.binary)
    return value


def build(size: str = "small", seed: int = DEFAULT_SEED, anchor: date | None = None) -> dict[str, list[dict]]:
    """Every seeded document, per collection, as stored. Depends only on the arguments.
    The models validate each document, so Beanie must be initialised (``seed_database`` does)."""
    from shared.models import Community, Order, OrderQuota, Post, Product, Promotion, Supplier, User

    if size not in SIZES:
        raise SeedError(f"unknown SIZE {size!r}: choose one of {', '.join(SIZES)}")
    s = SIZES[size]
    anchor = anchor or datetime.now(timezone.utc).date()
    end = datetime(anchor.year, anchor.month, anchor.day, tzinfo=timezone.utc)  # the anchor day's midnight
    start = end - timedelta(days=SPAN_DAYS)
    rng = random.Random(f"{seed}:{size}")
    ids = _Ids(rng)
    out: dict[str, list[dict]] = {name: [] for name in COLLECTIONS}

    def address(person: str) -> dict:
        city, state, zip_code, country = rng.choice(CITIES)
        return {"street": f"{rng.randint(1, 180)} {rng.choice(STREETS)}", "city": city, "state": state,
                "zip_code": zip_code, "country": country, "person": person}

    # -- users: two admins, leaders (about 5 %), consumers ----------------------------------
    users: list[dict] = []
    active_users: list[tuple[ObjectId, datetime, dict]] = []
    leaders: list[dict] = []
    for n in range(s.users):
        role = "admin" if n < 2 else ("leader" if n < 2 + max(s.communities // 2, 2) or rng.random() < 0.03
                                      else "consumer")
        status = "active" if role != "consumer" else _weighted(rng, {"active": 94, "pending": 3, "suspended": 2,
                                                                     "deleted": 1})
        first, last = rng.choice(FIRST), rng.choice(LAST)
        created = _between(rng, start - timedelta(days=365), start) if rng.random() < 0.85 or role != "consumer" \
            else _between(rng, start, end - timedelta(days=1))
        email = f"{first}.{last}.{n}@{'staff.' if role == 'admin' else ''}example.com".lower()
        user = User(id=ids.at(created), password_hash=PASSWORD_HASH,
                    contact_info={"primary_email": email, "phone": f"+49 40 {rng.randint(1000000, 9999999)}"},
                    profile={"display_name": f"{first} {last}", "bio": None}, role=role, status=status,
                    email_verified_at=None if status == "pending" else created + timedelta(minutes=rng.randint(2, 90)),
                    deleted_at=created + timedelta(days=rng.randint(1, 60)) if status == "deleted" else None,
                    created_at=created, updated_at=created)
        doc = _dump(user)
        users.append(doc)
        if status == "active":
            active_users.append((doc["_id"], created, doc))
            if role == "leader":
                leaders.append(doc)
    out["users"] = users
    admins = [u for u in users if u["role"] == "admin"]

    # -- suppliers and their products -------------------------------------------------------
    suppliers: list[dict] = []
    products: list[dict] = []
    for n in range(s.suppliers):
        company_type = rng.choice(list(COMPANY_SUFFIX))
        brand = f"{COMPANY_A[n % len(COMPANY_A)]} {COMPANY_B[(n // len(COMPANY_A) + n) % len(COMPANY_B)]}"
        legal = f"{brand} {COMPANY_SUFFIX[company_type]}".strip()
        if n >= len(COMPANY_A) * len(COMPANY_B):
            legal += f" {n}"
        created = _between(rng, start - timedelta(days=300), start - timedelta(days=30))
        place = address("")
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        slug = "".join(ch for ch in brand.lower() if ch.isalnum())
        verified = created + timedelta(days=rng.randint(1, 10))
        sid = ids.at(created)
        supplier = {"id": sid, "password_hash": PASSWORD_HASH,
                    "contact_info": {"primary_email": f"sales@{slug}{n}.example", "contact_person_name": person,
                                     "primary_phone": f"+49 40 {rng.randint(1000000, 9999999)}",
                                     "contact_person_title": rng.choice(["Owner", "Sales lead", "Founder"])},
                    "company_info": {"legal_name": legal, "dba_name": brand, "company_type": company_type,
                                     "business_address": {"street_address_1": place["street"], "city": place["city"],
                                                          "state": place["state"], "zip_code": place["zip_code"],
                                                          "country": place["country"]}},
                    "business_info": {"support_email": f"help@{slug}{n}.example", "timezone": "Europe/Berlin",
                                      "social_links": {"website_url": f"https://{slug}{n}.example"}},
                    "banking_info": {"bank_name": "Harbour Bank", "account_holder_name": legal,
                                     "account_number_last4": f"{rng.randint(0, 9999):04d}"},
                    "status": "active", "email_verified_at": created + timedelta(hours=1),
                    "verification": {"status": "verified", "submitted_at": created + timedelta(days=1),
                                     "reviewed_at": verified, "reviewed_by": str(admins[0]["_id"]),
                                     "documents": [{"kind": "business_license", "submitted_at": created,
                                                    "url": f"https://docs.example/{sid}/license.pdf"}]},
                    "terms_accepted_at": created, "privacy_policy_accepted_at": created,
                    "created_at": created, "updated_at": verified}
        live_ids = []
        categories = list(PRODUCT_WORDS)
        focus = rng.sample(categories, 3)
        for k in range(s.products_per_supplier):
            category = categories[(n * s.products_per_supplier + k) % len(categories)] if k < 2 or rng.random() < 0.3 \
                else rng.choice(focus)
            status = _weighted(rng, PRODUCT_STATUSES)
            p_created = _between(rng, created + timedelta(days=5), start - timedelta(days=1)) if rng.random() < 0.8 \
                else _between(rng, start, end - timedelta(days=10))
            low, high = PRICE_RANGE[category]
            base = rng.randrange(low, high, 50) - 1
            variants = {}
            for v in range(rng.randint(1, 4)):
                if category == "fashion":
                    colour, dim = rng.choice(COLOURS), SIZES_APPAREL[v % 4]
                    attrs, key = [("Color", colour), ("Size", dim)], f"{colour}-{dim}".lower()
                    vname = f"{colour}, {dim}"
                elif category in ("food", "beauty"):
                    amount = CAPACITY[v % 3]
                    attrs, key, vname = [("Capacity", amount)], f"c{amount}-{v}", f"{amount} g/ml"
                else:
                    colour = COLOURS[(k + v) % len(COLOURS)]
                    attrs, key, vname = [("Color", colour)], f"{colour.lower()}-{v}", colour
                price = base + v * rng.choice([0, 200, 500])
                quantity = 0 if status == "out_of_stock" else rng.randint(5, 400)
                variants[key] = {"variant_name": vname, "price_cents": price,
                                 "cost_cents": price * rng.randint(35, 60) // 100,
                                 "attributes": [{"attribute_name": a, "attribute_value": b} for a, b in attrs],
                                 "quantity": quantity, "image_url": None,
                                 "package_dimensions": {"width_cm": float(rng.randint(5, 40)),
                                                        "height_cm": float(rng.randint(2, 30)),
                                                        "depth_cm": float(rng.randint(2, 30))}}
            name = f"{rng.choice(ADJECTIVES)} {rng.choice(PRODUCT_WORDS[category])}"
            published = p_created + timedelta(hours=rng.randint(1, 72)) if status in (
                "active", "out_of_stock", "discontinued", "deleted") else None
            pid = ids.at(p_created)
            product = Product(
                id=pid, supplier_id=sid, supplier_info={"name": legal}, name=name,
                short_description=f"{name} by {brand}.",
                description=f"{name}, made for everyday use. Sold by {legal.rstrip('.')}.",
                topic_descriptions=[{"topic": "Care", "description": "See the label.", "display_order": 1}],
                category=category, unit_type=rng.choice(UNITS.get(category, ["piece"])),
                metadata={"base_sku": f"{slug[:4].upper()}-{k + 1:03d}", "brand": brand}, base_price_cents=base,
                primary_image_url=f"https://img.example/{pid}.jpg", variants=variants,
                variant_attributes=sorted({f"{a['attribute_name']}:{a['attribute_value']}".lower()
                                           for v in variants.values() for a in v["attributes"]}),
                stock_locations=[{"location_name": "Main warehouse", "street_address": place["street"],
                                  "city": place["city"], "state": place["state"], "zip_code": place["zip_code"],
                                  "country": place["country"],
                                  "quantity": sum(v["quantity"] for v in variants.values())}],
                stats={"view_count": rng.randint(0, 5000), "favorite_count": rng.randint(0, 300)},
                status=status, published_at=published,
                deleted_at=p_created + timedelta(days=rng.randint(2, 40)) if status == "deleted" else None,
                created_at=p_created, updated_at=published or p_created)
            products.append(_dump(product))
            if status != "deleted":
                live_ids.append(pid)
        supplier["product_ids"] = live_ids
        suppliers.append(_dump(Supplier(**supplier)))
    out["suppliers"], out["products"] = suppliers, products
    supplier_by_id = {sp["_id"]: sp for sp in suppliers}
    # What buyers can have bought: published products (out of stock and discontinued ones sold before).
    sellable = [p for p in products if p["status"] in ("active", "out_of_stock", "discontinued")]
    if not sellable:
        raise SeedError("no sellable products (the size table is too small)")

    # -- communities ------------------------------------------------------------------------
    communities: list[dict] = []
    for n in range(s.communities):
        topic, category = COMMUNITY_TOPICS[n % len(COMMUNITY_TOPICS)]
        name = topic if n < len(COMMUNITY_TOPICS) else f"{topic} {rng.choice(CITIES)[0]} {n}"
        owner = leaders[n % len(leaders)]
        created = _between(rng, max(owner["created_at"], start - timedelta(days=200)), start + timedelta(days=60))
        members = {str(owner["_id"])}
        want = min(len(active_users), max(3, int(rng.paretovariate(1.2) * s.users / max(s.communities, 1) / 3)))
        for uid, _, _ in rng.sample(active_users, want):
            members.add(str(uid))
        member_ids = sorted(members)
        others = [m for m in member_ids if m != str(owner["_id"])]
        status = "active" if n % 13 else "archived"
        community = Community(
            id=ids.at(created), name=name, slug="-".join(name.lower().split()),
            description=f"A community about {category}.", category=category,
            tags=sorted({category, rng.choice(["tips", "reviews", "deals", "diy", "local"])}),
            visibility="private" if n % 5 == 4 else "public", status=status, owner_id=str(owner["_id"]),
            moderator_ids=rng.sample(others, min(2, len(others))), member_ids=member_ids, member_count=len(member_ids),
            featured=n % 7 == 0, featured_at=created + timedelta(days=3) if n % 7 == 0 else None,
            created_at=created, updated_at=created)
        communities.append(_dump(community))
    out["communities"] = communities

    # -- posts: by members, in active communities -------------------------------------------
    users_by_id = {str(u["_id"]): u for u in users}
    open_communities = [c for c in communities if c["status"] == "active"] or communities
    pins: dict[str, int] = {}
    for n in range(s.posts):
        community = rng.choice(open_communities)
        author = users_by_id[rng.choice(community["member_ids"])]
        created = _between(rng, max(community["created_at"], start), end)
        status = _weighted(rng, {"published": 90, "draft": 6, "hidden": 4})
        post_type = _weighted(rng, {"text": 50, "image": 30, "link": 10, "video": 5, "poll": 5})
        published = created + timedelta(minutes=rng.randint(0, 30)) if status != "draft" else None
        views = int(rng.paretovariate(1.5) * 40) if published else 0
        likes = rng.randint(0, max(views // 5, 1)) if published else 0
        comments = rng.randint(0, max(views // 20, 1)) if published else 0
        shares = rng.randint(0, max(likes // 4, 1)) if published else 0
        cid = str(community["_id"])
        pinned = status == "published" and pins.get(cid, 0) < 3 and rng.random() < 0.02
        if pinned:
            pins[cid] = pins.get(cid, 0) + 1
        media = [{"media_type": "image", "media_url": f"https://img.example/posts/{n}.jpg", "width": 1200,
                  "height": 900, "size_bytes": rng.randint(80_000, 900_000)}] if post_type == "image" else []
        post = Post(
            id=ids.at(created), community_id=cid, post_type=post_type, status=status,
            author={"user_id": str(author["_id"]), "display_name": author["profile"]["display_name"],
                    "avatar": author["profile"]["avatar"], "author_type": author["role"]},
            text_content=rng.choice(POST_LINES), media=media,
            link_preview={"url": "https://blog.example/review", "title": "A review"} if post_type == "link" else None,
            stats={"view_count": views, "like_count": likes, "comment_count": comments, "share_count": shares,
                   "save_count": rng.randint(0, max(likes // 3, 1)) if published else 0,
                   "engagement_rate": round((likes + comments + shares) / views, 4) if views else 0.0,
                   "last_comment_at": published + timedelta(hours=rng.randint(1, 48)) if comments else None},
            is_pinned=pinned, pinned_at=published if pinned else None,
            pinned_by=community["owner_id"] if pinned else None,
            hidden_at=published + timedelta(hours=2) if status == "hidden" else None,
            hidden_by=community["owner_id"] if status == "hidden" else None,
            hide_reason="Off topic" if status == "hidden" else None,
            published_at=published, created_at=created, updated_at=published or created)
        out["posts"].append(_dump(post))
    for community in communities:
        community["pinned_post_count"] = pins.get(str(community["_id"]), 0)

    # -- promotions: a supplier's own active products, in every status ----------------------
    live_by_supplier: dict[ObjectId, list[dict]] = {}
    for p in products:
        if p["status"] == "active":
            live_by_supplier.setdefault(p["supplier_id"], []).append(p)
    promo_suppliers = [sid for sid in live_by_supplier]
    live_windows: dict[ObjectId, list[tuple[datetime, datetime, ObjectId, int]]] = {}
    for n in range(s.promotions):
        sid = promo_suppliers[n % len(promo_suppliers)]
        own = live_by_supplier[sid]
        status = PROMOTION_STATUSES[n % len(PROMOTION_STATUSES)] if n < 2 * len(PROMOTION_STATUSES) else \
            _weighted(rng, {"draft": 8, "pending_approval": 10, "scheduled": 10, "active": 25, "paused": 7,
                            "ended": 30, "cancelled": 10})
        campaign = len(own) >= 2 and rng.random() < 0.4
        chosen = rng.sample(own, rng.randint(2, min(3, len(own))) if campaign else 1)
        scopes = ["global"] if rng.random() < 0.3 else []
        scopes += [str(c["_id"]) for c in rng.sample(communities, min(len(communities), rng.randint(1, 2)))]
        if status == "ended":
            starts = _between(rng, start, end - timedelta(days=20))
            ends = starts + timedelta(days=rng.randint(3, 14))
        elif status == "active" or status == "paused":
            starts = _between(rng, end - timedelta(days=20), end - timedelta(days=1))
            ends = end + timedelta(days=rng.randint(3, 30))
        elif status == "scheduled":
            starts = end + timedelta(days=rng.randint(1, 20))
            ends = starts + timedelta(days=rng.randint(3, 14))
        else:
            starts = end + timedelta(days=rng.randint(-30, 30))
            ends = starts + timedelta(days=rng.randint(3, 14))
        created = min(starts, end) - timedelta(days=rng.randint(2, 10))
        decided_at = created + timedelta(days=1)

        def decider(scope: str) -> str:
            if scope == "global":
                return str(admins[-1]["_id"])
            return next(c["owner_id"] for c in communities if str(c["_id"]) == scope)

        if status in ("scheduled", "active", "paused", "ended"):
            states = {scope: "approved" for scope in scopes}
        elif status == "pending_approval":
            states = {scope: ("approved" if i else "pending") for i, scope in enumerate(scopes)}
        else:
            states = {}
        approvals = {scope: {"status": state, "decided_by": None if state == "pending" else decider(scope),
                             "decided_at": None if state == "pending" else decided_at}
                     for scope, state in states.items()}
        percent = rng.choice([5, 10, 15, 20, 25, 30, 40])
        pid = ids.at(created)
        promotion = Promotion(
            id=pid, supplier_id=sid, promotion_type="campaign" if len(chosen) > 1 else "single",
            title=f"{rng.choice(['Spring', 'Summer', 'Autumn', 'Winter', 'Weekend', 'Flash'])} deal: {percent}% off",
            description=f"{percent}% off {', '.join(p['name'] for p in chosen)}.",
            product_ids=[p["_id"] for p in chosen], discount_percent=percent, scopes=scopes, approvals=approvals,
            pending_scopes=sum(1 for state in states.values() if state == "pending"), status=status,
            starts_at=starts, ends_at=ends, version=len(states) + 2,
            submitted_at=None if status == "draft" else created + timedelta(hours=2),
            scheduled_at=decided_at if status in ("scheduled", "active", "paused", "ended") else None,
            activated_at=starts if status in ("active", "paused", "ended") else None,
            paused_at=starts + timedelta(hours=rng.randint(1, 20)) if status == "paused" else None,
            ended_at=ends if status == "ended" else None,
            cancelled_at=created + timedelta(days=1) if status == "cancelled" else None,
            created_at=created, updated_at=created + timedelta(days=1))
        out["promotions"].append(_dump(promotion))
        if status in ("active", "ended", "paused"):  # these ran for a while: orders in their window got the discount
            stop = ends if status != "paused" else promotion.paused_at
            for p in chosen:
                live_windows.setdefault(p["_id"], []).append((starts, stop, pid, percent))

    # -- orders: over SPAN_DAYS, none on a few quiet days -----------------------------------
    days = list(range(SPAN_DAYS))
    quiet = set(rng.sample(days[:-3], max(2, SPAN_DAYS // 30)))  # no order at all those days (never the last 3)
    weights = [0 if d in quiet else (1.0 + d / SPAN_DAYS) * (1.3 if (start + timedelta(days=d)).weekday() >= 5 else 1.0)
               for d in days]
    numbers: set[str] = set()
    sold: dict[ObjectId, int] = {}
    quota: dict[str, list[dict]] = {}
    order_days = rng.choices(days, weights=weights, k=s.orders)
    order_days.sort()
    for n, day in enumerate(order_days):
        created = start + timedelta(days=day, seconds=rng.randrange(86400))
        for _ in range(8):
            uid, u_created, buyer = rng.choice(active_users)
            if u_created < created:
                break
        else:
            uid, u_created, buyer = active_users[0]
        recent = end - created < timedelta(days=3)
        status = _weighted(rng, RECENT_STATUSES if recent else ORDER_STATUSES)
        items = []
        for i in range(rng.choices([1, 2, 3, 4], weights=[55, 25, 12, 8])[0]):
            product = rng.choice(sellable)
            if product["published_at"] and product["published_at"] > created:
                product = sellable[0]
            key = rng.choice(list(product["variants"]))
            variant = product["variants"][key]
            quantity = rng.choices([1, 2, 3, 5], weights=[70, 18, 8, 4])[0]
            promo = next(((pid, pct) for a, b, pid, pct in live_windows.get(product["_id"], ())
                          if a <= created < b), (None, 0))
            unit = variant["price_cents"]
            final = unit - (unit * promo[1] + 50) // 100
            supplier = supplier_by_id[product["supplier_id"]]
            shipped = status in ("shipped", "delivered")
            items.append({"item_id": f"item_{i + 1}", "quantity": quantity, "unit_price_cents": unit,
                          "promotion_id": str(promo[0]) if promo[0] else None, "discount_percent": promo[1],
                          "final_price_cents": final, "total_cents": final * quantity,
                          "fulfillment_status": "delivered" if status == "delivered" else (
                              "shipped" if status == "shipped" else "pending"),
                          "shipped_quantity": quantity if shipped else 0,
                          "carrier": rng.choice(CARRIERS) if shipped else None,
                          "tracking_number": f"TRK{rng.randrange(10**9, 10**10)}" if shipped else None,
                          "shipped_at": created + timedelta(days=1) if shipped else None,
                          "delivered_at": created + timedelta(days=3) if status == "delivered" else None,
                          "product_snapshot": {"product_id": str(product["_id"]), "supplier_id": str(supplier["_id"]),
                                               "product_name": product["name"],
                                               "supplier_name": supplier["company_info"]["legal_name"],
                                               "variant_key": key, "variant_name": variant["variant_name"],
                                               "variant_attributes": {a["attribute_name"]: a["attribute_value"]
                                                                      for a in variant["attributes"]},
                                               "image_url": product["primary_image_url"]}})
            if status not in ("cancelled", "failed", "refunded"):
                sold[product["_id"]] = sold.get(product["_id"], 0) + quantity
        subtotal = sum(item["total_cents"] for item in items)
        tax = (subtotal * 8 + 50) // 100
        shipping = 0 if subtotal >= 5000 else 599
        number = f"ORD-{created:%Y%m%d}-{rng.randrange(1 << 16):04X}"
        while number in numbers:
            number = f"ORD-{created:%Y%m%d}-{rng.randrange(1 << 16):04X}"
        numbers.add(number)
        confirmed = created + timedelta(minutes=rng.randint(1, 30)) if status not in ("pending", "failed") else None
        was_confirmed = confirmed is not None and (status != "cancelled" or rng.random() < 0.5)
        reservation = {"pending": "none", "failed": "none", "cancelled": "released" if was_confirmed else "none",
                       "refunded": "released"}.get(status, "reserved")
        city, state, zip_code, country = rng.choice(CITIES)
        name = buyer["profile"]["display_name"]
        oid = ids.at(created)
        order = Order(
            id=oid, order_number=number,
            customer={"user_id": str(uid), "display_name": name, "email": buyer["contact_info"]["primary_email"],
                      "phone": buyer["contact_info"]["phone"]},
            items=items,
            shipping_address={"recipient_name": name,
                              "street_address_1": f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
                              "city": city, "state": state, "zip_code": zip_code, "country": country},
            subtotal_cents=subtotal, tax_cents=tax, shipping_cents=shipping, total_cents=subtotal + tax + shipping,
            flagged_for_review=subtotal + tax + shipping >= 100000, status=status, reservation=reservation,
            idempotency_key=f"seed-{n:07d}", request_hash=hashlib.sha256(f"{seed}:{n}".encode()).hexdigest(),
            cancellation_reason=rng.choice(["Changed my mind", "Ordered by mistake", "Found it cheaper"])
            if status == "cancelled" else None,
            version=1 + (confirmed is not None and status != "cancelled") + (status == "cancelled")
            + (status == "cancelled" and was_confirmed),
            confirmed_at=confirmed if (status != "cancelled" or was_confirmed) else None,
            cancelled_at=created + timedelta(hours=rng.randint(1, 40)) if status == "cancelled" else None,
            created_at=created, updated_at=created + timedelta(hours=1))
        out["orders"].append(_dump(order))
        if end - created <= timedelta(hours=24):
            quota.setdefault(str(uid), []).append({"order_id": str(oid), "at": created})
    for product in products:
        product["stats"]["purchase_count"] = sold.get(product["_id"], 0)
    out["order_quotas"] = [_dump(OrderQuota(id=ObjectId(uid), slots=slots[-5:]))
                           for uid, slots in sorted(quota.items())]
    return out


# -- writing ----------------------------------------------------------------------------------

async def seed_database(db, size: str = "small", seed: int = DEFAULT_SEED, anchor: date | None = None, *,
                        reset: bool = False, batch: int = 5000) -> dict[str, int]:
    """Fill ``db`` (a Motor or mongomock-motor database) and return the count per collection.
    Refuses a database whose seeded collections hold documents, unless ``reset`` (then they
    are dropped first). The models' indexes are made after the documents are in (once, rather
    than checked at every insert: mongomock checks a unique index by scanning the collection)."""
    from beanie import init_beanie

    from shared.models import ALL_DOCUMENTS

    if not reset:
        full = [name for name in COLLECTIONS if await db[name].estimated_document_count()]
        if full:
            raise SeedError(f"the database {db.name} already holds {', '.join(full)}: add --reset (RESET=1) to "
                            "replace them")
    await init_beanie(database=db, document_models=ALL_DOCUMENTS, skip_indexes=True)
    documents = build(size, seed, anchor)
    counts = {}
    for name in COLLECTIONS:
        collection = db[name]
        if reset:  # dropped, not emptied: its indexes come back after the inserts, as for a new one
            await db.drop_collection(name)
        docs = documents[name]
        for at in range(0, len(docs), batch):
            await collection.insert_many(docs[at:at + batch], ordered=False)
        counts[name] = await collection.count_documents({})
    await init_beanie(database=db, document_models=ALL_DOCUMENTS)  # the indexes
    return counts


def parse_anchor(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SeedError(f"ANCHOR {text!r} is not a date like 2026-12-01") from None


def parse_seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise SeedError(f"SEED {text!r} is not a whole number") from None
    if value < 0:
        raise SeedError(f"SEED {text!r} is negative: use 0 or more")
    return value


def _client(url: str):
    if url.startswith("mongomock://"):
        raise SeedError("MONGODB_URL is mongomock://: that database lives inside the app; seed it with "
                        "`make serve SIZE=small`")
    from grader.stacks.mongo import ping

    problem = ping(url)
    if problem:
        raise SeedError(f"MongoDB at {url} did not answer ({problem})")
    from motor.motor_asyncio import AsyncIOMotorClient

    return AsyncIOMotorClient(url, tz_aware=True)


STACKS = ("embedded", "local", "services")


def main(argv: list[str] | None = None) -> int:
    """``make seed``: where the data goes follows the stack, as grading does. embedded: an
    in-memory database in this process (counts and timings only: the app's own in-memory
    database is seeded by `make serve SIZE=...`); local: the kit's local MongoDB (SecantusDB),
    kept up with --keep; services, or MONGODB_URL set: the MongoDB there."""
    import os

    parser = argparse.ArgumentParser(prog="python -m shared.seed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="small", help="small, medium or large (see SIZES)")
    parser.add_argument("--seed", default=str(DEFAULT_SEED), help="the generator's seed (a whole number)")
    parser.add_argument("--anchor", default="", help="the day the data ends (YYYY-MM-DD; default today, UTC)")
    parser.add_argument("--stack", default="embedded", help="embedded, local or services")
    parser.add_argument("--url", default=os.environ.get("MONGODB_URL", ""), help="a MongoDB (default: MONGODB_URL)")
    parser.add_argument("--database", default=os.environ.get("DATABASE_NAME", "social_commerce"))
    parser.add_argument("--reset", action="store_true", help="empty the seeded collections first")
    parser.add_argument("--keep", action="store_true", help="with --stack local: keep the server up until Ctrl-C")
    args = parser.parse_args(argv)
    backend = None
    try:
        if args.size not in SIZES:
            raise SeedError(f"unknown SIZE {args.size!r}: choose one of {', '.join(SIZES)}")
        if args.stack not in STACKS:
            raise SeedError(f"unknown STACK {args.stack!r}: choose one of {', '.join(STACKS)}")
        seed, anchor = parse_seed(args.seed), parse_anchor(args.anchor)
        if args.stack == "local":
            from grader.stacks.mongo import start_local

            backend = start_local()
            backend.wait()
            if backend.problem:
                raise SeedError(backend.problem)
            where = backend.env["MONGODB_URL"]
            client = _client(where)
        elif args.url or args.stack == "services":
            from grader.stacks.mongo import DEFAULT_URL

            where = args.url or DEFAULT_URL
            client = _client(where)
        else:
            from mongomock_motor import AsyncMongoMockClient

            where, client = "the embedded (in-memory) database", AsyncMongoMockClient(tz_aware=True)

        async def run() -> dict[str, int]:
            return await seed_database(client[args.database], args.size, seed, anchor, reset=args.reset)

        began = time.perf_counter()
        counts = asyncio.run(run())
        took = time.perf_counter() - began
        day = (anchor or datetime.now(timezone.utc).date()).isoformat()
        print(f"seeded {where}, database {args.database}: SIZE={args.size} SEED={seed} ANCHOR={day} in {took:.1f} s")
        for name, count in counts.items():
            print(f"  {name:<13} {count:>7}")
        print(f"every account's password is {PASSWORD}")
        if backend is None and not args.url and args.stack == "embedded":
            print("(nothing is kept: `make serve SIZE=...` seeds the app's own in-memory database)")
        elif backend is not None and args.keep:
            print(f"the local MongoDB stays up at {where} until Ctrl-C; "
                  f"in another shell: MONGODB_URL={where} make serve")
            import signal

            signal.signal(signal.SIGTERM, signal.default_int_handler)  # a kill stops the server too
            signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
        elif backend is not None:
            print("(the local MongoDB stops now: KEEP=1 keeps it up for `make serve`)")
        return 0
    except SeedError as exc:
        print(f"make seed: {exc}", file=sys.stderr)
        return 2
    finally:
        if backend is not None:
            backend.stop()


if __name__ == "__main__":
    sys.exit(main())
