"""What the demo studios are made of: locales, rooms, names, gear, notes.

Plain data for `studio.demo.fill`; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from studio.models import Equipment

ENGINEER_PASSWORD = "demo-engineer-2026"
ACCOUNTANT_PASSWORD = "demo-accountant-2026"

Progress = Callable[[str], None]


# --- where the studio is ----------------------------------------------------------------------


@dataclass(frozen=True)
class Locale:
    country: str
    timezone: str
    currency: str
    money_factor: float  # rates and prices relative to the euro figures below
    tax_rate: Decimal
    legal_suffix: str
    address: str


LOCALES = (
    Locale(
        "US",
        "America/New_York",
        "USD",
        1.1,
        Decimal("8.875"),
        "LLC",
        "118 Ingraham Street, Suite 2\nBrooklyn, NY 11237\nUnited States",
    ),
    Locale(
        "GB",
        "Europe/London",
        "GBP",
        0.9,
        Decimal("20"),
        "Ltd",
        "Unit 3, 27 Vyner Street\nLondon E2 9DG\nUnited Kingdom",
    ),
    Locale(
        "FR",
        "Europe/Paris",
        "EUR",
        1.0,
        Decimal("20"),
        "SAS",
        "14 rue des Vinaigriers\n75010 Paris\nFrance",
    ),
)


# --- rooms and staff ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomSpec:
    kind: str
    name: str
    description: str
    capacity: int
    rate: int  # euros per hour
    min_minutes: int
    buffer_minutes: int
    colour: str


ROOMS = (
    RoomSpec(
        "live",
        "Live Room A",
        "60 m² tracking room with a 4.5 m ceiling, variable acoustic panels and a Yamaha C7 "
        "grand. Fits a full band playing live, with two iso booths in sight line.",
        10,
        95,
        120,
        30,
        "#7c3aed",
    ),
    RoomSpec(
        "control",
        "Control Room B",
        "Analogue control room: API 1608-II console, Neve and API preamps, outboard racks and "
        "ATC main monitors. Overdubs happen right at the desk.",
        6,
        75,
        120,
        30,
        "#0ea5e9",
    ),
    RoomSpec(
        "booth",
        "Vocal Booth",
        "Dry, treated booth for vocals, voice-over and podcasts, with a Neumann U 87 Ai and a "
        "Shure SM7B ready to go. Talkback and cue mix from the control room.",
        3,
        45,
        60,
        15,
        "#f59e0b",
    ),
    RoomSpec(
        "mix",
        "Mix Suite",
        "Dolby Atmos 7.1.4 mix room with Genelec monitoring and Pro Tools Ultimate. Recalls of "
        "previous mixes are kept for a year.",
        4,
        65,
        120,
        15,
        "#10b981",
    ),
    RoomSpec(
        "production",
        "Production Room C",
        "Writing and production room: Prophet-5, Minimoog, MPC and a small vocal corner. "
        "Good for co-writes and beat sessions.",
        4,
        40,
        60,
        15,
        "#ef4444",
    ),
)

ROOM_KIND = {spec.name: spec.kind for spec in ROOMS}

ENGINEERS = (
    ("Sam Okafor", "Tracking, drums, live bands", "#2563eb"),
    ("Léa Moreau", "Vocals, pop and R&B production", "#db2777"),
    ("Jonas Becker", "Mixing, Dolby Atmos, mastering prep", "#059669"),
    ("Priya Raman", "Jazz, acoustic and small classical ensembles", "#d97706"),
    ("Marcus Reid", "Hip-hop, beat production, vocal tuning", "#9333ea"),
    ("Inès Benali", "Podcasts, voice-over, ADR", "#0891b2"),
    ("Tom Gallagher", "Rock, guitar amps, analogue tape", "#b91c1c"),
    ("Yuki Tanaka", "Electronic music, synths, sound design", "#4d7c0f"),
)

# Engineers on a session, by room kind: weights for 0, 1 and 2 engineers.
CREW_WEIGHTS = {
    "live": (5, 60, 35),
    "control": (10, 85, 5),
    "booth": (35, 65, 0),
    "mix": (10, 88, 2),
    "production": (50, 50, 0),
}

SESSION_NOTES = {
    "live": (
        "Tracking drums and bass for the EP",
        "Full band, live takes of five songs",
        "String quartet overdubs",
        "Piano and vocal session on the C7",
        "Horn section overdubs",
        "Live session for a video shoot",
    ),
    "control": (
        "Vocal comping and editing",
        "Guitar overdubs through the Twin",
        "Mix revisions after label notes",
        "Synth overdubs",
        "Bass DI and re-amping",
    ),
    "booth": (
        "Lead vocals, three songs",
        "Voice-over for a TV spot",
        "Podcast episode recording",
        "Audiobook, chapters 4 to 6",
        "ADR for a short film",
        "Backing vocals and harmonies",
    ),
    "mix": (
        "Mix day: lead single",
        "Dolby Atmos mix of the album",
        "Stem mastering prep",
        "Mix recall and revisions",
    ),
    "production": (
        "Writing session",
        "Beat making / co-write",
        "Topline session",
        "Pre-production for the album",
    ),
}

RECALL_NOTES = (
    "U 87 Ai at 20 cm, Neve 1073 +50 dB, 1176 4:1 slow attack, LA-2A 3 dB GR.",
    "Kick: Beta 52A inside, outside mic 30 cm. OH: KM 184 pair ORTF at 1.4 m. Snare SM57 top.",
    "SM7B on a short boom, preamp +60 dB, Distressor 3:1 on mode 'Dist 2'.",
    "Rhodes DI plus the Twin Reverb mic'd with an MD 421 off-axis; tremolo on 4.",
    "Mix bus: SSL-style comp 4:1, 10 ms attack, auto release, 2 dB GR. Reverb send: plate 1.8 s.",
    "Piano: KM 184 pair over the hammers, C414 (omni) at the tail. Lid on the long stick.",
    "Guitar: SM57 + R-121 on the Vox AC30, blend 60/40, phase checked.",
)


# --- clients ------------------------------------------------------------------------------------

FOREIGN_COUNTRIES = (
    "FR", "GB", "US", "DE", "BE", "NL", "ES", "IT", "SE", "IE", "CA",
    "NG", "GH", "ZA", "BR", "JP", "KR",
)  # fmt: skip

NAME_GROUP = {
    "FR": "fr", "BE": "fr", "GB": "en", "US": "en", "IE": "en", "CA": "en",
    "DE": "de", "NL": "de", "SE": "de", "ES": "es", "IT": "es", "BR": "es",
    "NG": "af", "GH": "af", "ZA": "af", "JP": "jp", "KR": "jp",
}  # fmt: skip

_FIRST_NAMES = {
    "fr": "Camille Léa Manon Chloé Inès Louise Jade Hugo Lucas Théo Nathan Julien Antoine Maxime "
    "Yasmine Sofiane Karim Amandine Élodie Bastien",
    "en": "Olivia Amelia Isla Ava Grace Freya Harry Oliver George Jack Noah Leo Mason Ethan Zoe "
    "Marcus Tyrone Jasmine Priya Declan",
    "de": "Lukas Jonas Felix Emma Mia Hannah Lotte Daan Sem Sanne Astrid Elin Oskar Linnea Johan",
    "es": "Lucía Sofía Martina Pablo Diego Javier Giulia Chiara Marco Luca Matteo Ana João Gabriel "
    "Beatriz",
    "af": "Chiamaka Adaeze Tunde Emeka Kwame Ama Kofi Abena Thabo Lerato Sipho Zanele Femi Yaw "
    "Nneka",
    "jp": "Yuki Haruto Sakura Ren Aoi Minji Jisoo Hyun-woo Seo-yeon Daichi",
}
_LAST_NAMES = {
    "fr": "Martin Bernard Dubois Lefèvre Moreau Laurent Girard Roux Fournier Mercier Garnier "
    "Chevalier Benali Diallo Nguyen Lambert Faure Rousseau",
    "en": "Smith Jones Taylor Brown Williams Wilson Evans Thomas Walker Hughes Patel Campbell "
    "Murphy Johnson Garcia Robinson Clarke Reid Kelly O'Brien",
    "de": "Müller Schmidt Schneider Fischer Weber de-Vries Jansen van-Dijk Bakker Lindqvist "
    "Andersson Johansson Nilsson Berg",
    "es": "García Fernández López Martínez Rossi Russo Bianchi Romano Silva Santos Oliveira Costa "
    "Ortega Moreno",
    "af": "Okafor Adeyemi Mensah Boateng Asante Nkosi Dlamini Balogun Eze Owusu Ndlovu Adebayo",
    "jp": "Tanaka Suzuki Sato Watanabe Yamamoto Kim Lee Park Choi Kang",
}
FIRST_NAMES = {group: names.split() for group, names in _FIRST_NAMES.items()}
# "van-Dijk" in the string above is one name: "van Dijk".
LAST_NAMES = {
    group: [name.replace("-", " ") for name in names.split()]
    for group, names in _LAST_NAMES.items()
}

STAGE_PREFIXES = ("Lil ", "Yung ", "DJ ", "MC ", "Saint ", "Miss ", "Big ")
STAGE_WORDS = (
    "Nova Kairo Lumi Ember Soleil Indigo Marlowe Onyx Juniper Vesper Cosmo Rue Sable Echo Zephyr "
    "Halo Orion Kismet Cedar Moth Atlas Fable Nyx Sonny Cleo Rio Kato Mojo Blu Raven Wren Solace "
    "Tundra Pixel Mirage Lyric Koda Saffron Jinx"
).split()
BAND_ADJECTIVES = (
    "Velvet Paper Electric Midnight Golden Broken Silver Neon Hollow Crimson Quiet Wild Lunar "
    "Static Northern Glass Burning Sunday Copper Feral"
).split()
BAND_NOUNS = (
    "Lanterns Wolves Tides Satellites Ghosts Horses Pilots Machines Echoes Foxes Rivers Signals "
    "Parade Orchard Harbour Saints Comets Mirrors Owls Kites"
).split()
ORG_WORDS = (
    "Nightjar,Blue Heron,Saltwater,Brickyard,Lowlight,Northbound,Tidal,Mirrorball,Greenhouse,"
    "Sundial,Paper Moon,Kite Hill,Cobalt,Wildflower,Redwood,Marigold,Stereo Garden,Backroom,"
    "Afterglow,Lighthouse,Hummingbird,Polar,Basement,Open Window,Riverside,Fieldnote,Parallax,"
    "Deep Cut,Long Play,Half Moon"
).split(",")
LABEL_SUFFIXES = ("Records", "Recordings", "Music", "Sounds", "Editions")
COMPANY_SUFFIXES = ("Media", "Productions", "Post", "Games", "Podcasts", "Audio", "Films", "Agency")
COMPANY_TAGS = {
    "Media": ["advertising"],
    "Productions": ["film"],
    "Post": ["post-production", "film"],
    "Games": ["games"],
    "Podcasts": ["podcast"],
    "Audio": ["voice-over"],
    "Films": ["film"],
    "Agency": ["advertising", "voice-over"],
}
LEGAL_SUFFIX = {
    "FR": "SAS",
    "BE": "SRL",
    "GB": "Ltd",
    "IE": "Ltd",
    "US": "LLC",
    "CA": "Inc.",
    "DE": "GmbH",
    "NL": "B.V.",
    "SE": "AB",
    "ES": "S.L.",
    "IT": "S.r.l.",
    "BR": "Ltda.",
    "JP": "K.K.",
}
GENRES = (
    "hip-hop rnb jazz rock indie electronic pop classical metal folk afrobeats soul gospel "
    "reggae punk singer-songwriter"
).split()
CLIENT_NOTES = (
    "Prefers evening sessions.",
    "Brings their own drummer and kit.",
    "Invoices go to the label; a PO number is required.",
    "Pays by bank transfer, usually on time.",
    "Likes the Live Room with the C7 grand.",
    "Needs a parking spot for the van.",
    "Asks for the same engineer every time.",
    "Keep the recall notes from the last album handy.",
)
CALLING_CODES = {
    "FR": "+33", "BE": "+32", "GB": "+44", "IE": "+353", "US": "+1", "CA": "+1", "DE": "+49",
    "NL": "+31", "SE": "+46", "ES": "+34", "IT": "+39", "BR": "+55", "NG": "+234", "GH": "+233",
    "ZA": "+27", "JP": "+81", "KR": "+82",
}  # fmt: skip
# (street, postcode and town) for the addresses of clients in the demo studios' countries.
ADDRESSES = {
    "FR": (
        ("rue Oberkampf", "75011 Paris"),
        ("boulevard Voltaire", "75011 Paris"),
        ("rue de la République", "69002 Lyon"),
        ("rue Sainte", "13001 Marseille"),
        ("rue des Tanneurs", "59000 Lille"),
    ),
    "GB": (
        ("Mare Street", "London E8 3RL"),
        ("Oldham Street", "Manchester M4 1HN"),
        ("Stokes Croft", "Bristol BS2 8QH"),
        ("Argyle Street", "Glasgow G1 1XQ"),
    ),
    "US": (
        ("Bedford Avenue", "Brooklyn, NY 11211"),
        ("Broadway", "Nashville, TN 37203"),
        ("Edgewood Avenue", "Atlanta, GA 30312"),
        ("East 6th Street", "Austin, TX 78702"),
    ),
}


# --- gear ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GearSpec:
    category: str
    make: str
    model: str
    price: int  # euros
    room_kind: str
    units: int = 1
    vintage: bool = False


C = Equipment.Category
CORE_GEAR = (
    GearSpec(C.MICROPHONE, "Neumann", "U 87 Ai", 3200, "booth"),
    GearSpec(C.MICROPHONE, "Shure", "SM7B", 400, "booth"),
    GearSpec(C.MICROPHONE, "Shure", "SM57", 110, "live", units=3),
    GearSpec(C.MICROPHONE, "Neumann", "KM 184", 850, "live", units=2),
    GearSpec(C.MICROPHONE, "Sennheiser", "MD 421-II", 380, "live", units=2),
    GearSpec(C.MICROPHONE, "Shure", "Beta 52A", 190, "live"),
    GearSpec(C.MICROPHONE, "AKG", "C414 XLII", 1100, "live"),
    GearSpec(C.PREAMP, "Neve", "1073DPX", 3500, "control", units=2),
    GearSpec(C.OUTBOARD, "Universal Audio", "1176LN", 2300, "control"),
    GearSpec(C.OUTBOARD, "Universal Audio", "Teletronix LA-2A", 3800, "control"),
    GearSpec(C.OUTBOARD, "Empirical Labs", "Distressor EL8", 1700, "control"),
    GearSpec(C.MONITOR, "Yamaha", "NS-10M Studio", 600, "control", vintage=True),
    GearSpec(C.MONITOR, "Genelec", "8351B (pair)", 8000, "mix"),
    GearSpec(C.INSTRUMENT, "Yamaha", "C7 grand piano", 38000, "live"),
    GearSpec(C.INSTRUMENT, "Ludwig", "Classic Maple drum kit", 3500, "live"),
    GearSpec(C.AMPLIFIER, "Fender", "'65 Twin Reverb", 1500, "live"),
    GearSpec(C.COMPUTER, "Universal Audio", "Apollo x16", 3800, "control"),
    GearSpec(C.COMPUTER, "Apple", "Mac Studio M2 Ultra", 4500, "mix"),
)
EXTRA_GEAR = (
    GearSpec(C.MICROPHONE, "Royer", "R-121", 1400, "live"),
    GearSpec(C.MICROPHONE, "Telefunken", "ELA M 251E", 9000, "booth"),
    GearSpec(C.MICROPHONE, "Coles", "4038", 1200, "live", vintage=True),
    GearSpec(C.MICROPHONE, "Electro-Voice", "RE20", 450, "booth"),
    GearSpec(C.MICROPHONE, "Audio-Technica", "AT4050", 700, "live"),
    GearSpec(C.PREAMP, "API", "512c", 900, "control", units=2),
    GearSpec(C.PREAMP, "Universal Audio", "610 Solo", 1000, "booth"),
    GearSpec(C.PREAMP, "Rupert Neve Designs", "Portico 5024", 2400, "control"),
    GearSpec(C.OUTBOARD, "Tube-Tech", "CL 1B", 3000, "control"),
    GearSpec(C.OUTBOARD, "Bricasti Design", "M7", 3500, "mix"),
    GearSpec(C.OUTBOARD, "SSL", "Fusion", 3000, "mix"),
    GearSpec(C.OUTBOARD, "Manley", "Massive Passive", 5000, "mix"),
    GearSpec(C.CONSOLE, "API", "1608-II", 52000, "control"),
    GearSpec(C.MONITOR, "ATC", "SCM45A Pro", 14000, "control"),
    GearSpec(C.MONITOR, "Avantone", "MixCube (pair)", 300, "mix"),
    GearSpec(C.INSTRUMENT, "Fender", "Rhodes Mark I Stage 73", 3000, "live", vintage=True),
    GearSpec(C.INSTRUMENT, "Hammond", "B-3 with Leslie 122", 8000, "live", vintage=True),
    GearSpec(C.INSTRUMENT, "Fender", "American Professional II Precision Bass", 1500, "live"),
    GearSpec(C.INSTRUMENT, "Gibson", "Les Paul Standard '50s", 2600, "live"),
    GearSpec(C.INSTRUMENT, "Moog", "Minimoog Model D", 5000, "production", vintage=True),
    GearSpec(C.INSTRUMENT, "Sequential", "Prophet-5 Rev4", 4000, "production"),
    GearSpec(C.AMPLIFIER, "Vox", "AC30C2", 1300, "live"),
    GearSpec(C.AMPLIFIER, "Ampeg", "SVT-CL", 1900, "live"),
    GearSpec(C.AMPLIFIER, "Marshall", "JCM800 2203", 2000, "live", vintage=True),
    GearSpec(C.COMPUTER, "Avid", "Pro Tools | MTRX Studio", 5000, "mix"),
    GearSpec(C.CABLE, "Radial", "JDI passive DI", 200, "live", units=2),
    GearSpec(C.OTHER, "Furman", "P-1800 PF R power conditioner", 450, "control"),
)
ROOM_FALLBACK = {
    "mix": "control",
    "control": "mix",
    "booth": "live",
    "production": "control",
    "live": "",
}
# Gear that moves from room to room and can be reserved for a session.
PORTABLE = {C.MICROPHONE, C.PREAMP, C.OUTBOARD, C.INSTRUMENT, C.AMPLIFIER}
SERVICE_DAYS = {
    C.MICROPHONE: 365,
    C.PREAMP: 365,
    C.OUTBOARD: 180,
    C.CONSOLE: 90,
    C.MONITOR: 365,
    C.INSTRUMENT: 120,
    C.AMPLIFIER: 180,
    C.COMPUTER: 90,
    C.CABLE: 180,
    C.OTHER: 365,
}
SERVICE_WORK = {
    C.MICROPHONE: (
        "Capsule cleaned, grille and shock mount checked",
        "Self-noise and polar patterns measured",
        "Cable and XLR pins replaced",
    ),
    C.PREAMP: (
        "Power supply recapped",
        "Gain switch cleaned, channels matched",
        "Phantom power and pad tested",
    ),
    C.OUTBOARD: (
        "Tubes replaced (12AX7), recalibrated",
        "Pots and switches cleaned",
        "Bias adjusted, meter calibrated",
    ),
    C.CONSOLE: (
        "Faders cleaned, two channel strips serviced",
        "Patchbay normals cleaned",
        "Automation and recall checked",
    ),
    C.MONITOR: (
        "Drivers checked, room calibration redone",
        "Amplifier module fan cleaned",
        "Crossover and level matching checked",
    ),
    C.INSTRUMENT: (
        "Tuned and regulated",
        "Restrung and set up, intonation adjusted",
        "Drum heads replaced and tuned",
        "Action and pedals adjusted",
    ),
    C.AMPLIFIER: (
        "Power valves replaced and biased",
        "Jacks and pots cleaned",
        "Speaker cone checked, reverb tank replaced",
    ),
    C.COMPUTER: (
        "OS and Pro Tools updated, plug-in licences checked",
        "Backup drives swapped",
        "Clocking and I/O routing verified",
    ),
    C.CABLE: ("Tested and relabelled", "Connectors resoldered"),
    C.OTHER: ("Surge protection tested", "Inspected, nothing to report"),
}
OUTSIDE_TECHS = (
    "Northside Audio Repairs",
    "Tube Doctor Ltd",
    "Analog Care Workshop",
    "Keys & Hammers piano service",
)
FAULTS = (
    "intermittent crackle on the output",
    "noisy power supply",
    "one channel dead after a power cut",
    "sticky keys and a buzz in the bass register",
)

# Session lengths in minutes (2 to 8 hours on half-hours) and how often each is booked.
LENGTHS = (120, 150, 180, 210, 240, 300, 360, 420, 480)
LENGTH_WEIGHTS = (3, 1, 4, 1, 5, 3, 3, 1, 2)
OPENS, CLOSES = 9 * 60, 23 * 60  # local minutes after midnight
