"""The fixed word pools the sample releases are drawn from (issuers, industries, people ...).

All names are invented (``.example`` domains, 555 phone numbers). The pools deliberately
hold what trips parsers on real pages: non-ASCII names, ``&`` in names, commas inside issuer
names, issuers listed on two exchanges, multi-city datelines and non-profits that publish
through ``/PRNewswire-USNewswire/``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Industry:
    name: str
    section: str  # the listing section, e.g. "business-technology-latest-news"
    list_slug: str  # e.g. "computer-software-list"
    code: str  # the picture code used by the explore section


@dataclass(frozen=True)
class Issuer:
    name: str  # as shown under "News provided by"
    short: str  # as used in titles and running text
    slug: str  # the /news/<slug>/ issuer page; also the images' file stem
    domain: str
    descriptor: str  # the apposition after the name in the lead sentence
    locations: tuple[tuple[str, ...], ...]  # dateline location forms (several cities: a tuple)
    industries: tuple[str, ...]
    tickers: tuple[tuple[str, str], ...] = ()  # (exchange, symbol), as printed
    source: str | None = None  # the SOURCE line when it differs from ``name``
    usnewswire: bool = False  # publishes through /PRNewswire-USNewswire/

    @property
    def source_org(self) -> str:
        return self.source or self.name


INDUSTRIES = {
    industry.name: industry
    for industry in (
        Industry(
            "Artificial Intelligence",
            "business-technology-latest-news",
            "artificial-intelligence-list",
            "AIN",
        ),
        Industry(
            "Banking & Financial Services",
            "financial-services-latest-news",
            "banking-financial-services-list",
            "FIN",
        ),
        Industry(
            "Computer & Electronics",
            "business-technology-latest-news",
            "computer-electronics-list",
            "CPR",
        ),
        Industry(
            "Computer Software", "business-technology-latest-news", "computer-software-list", "STW"
        ),
        Industry("Earnings", "financial-services-latest-news", "earnings-list", "ERN"),
        Industry(
            "Food & Beverages", "consumer-products-retail-latest-news", "food-beverages-list", "FOD"
        ),
        Industry(
            "Health Care & Hospitals", "health-latest-news", "health-care-hospitals-list", "HEA"
        ),
        Industry("Pharmaceuticals", "health-latest-news", "pharmaceuticals-list", "PHA"),
        Industry("Biotechnology", "health-latest-news", "biotechnology-list", "BIO"),
        Industry("Automotive", "auto-transportation-latest-news", "automotive-list", "AUT"),
        Industry("Mining & Metals", "energy-latest-news", "mining-metals-list", "MNG"),
        Industry("Solar", "energy-latest-news", "solar-list", "SLR"),
        Industry("Travel", "travel-latest-news", "travel-list", "TRA"),
        Industry(
            "Not For Profit", "policy-public-interest-latest-news", "not-for-profit-list", "NPT"
        ),
        Industry(
            "Publishing & Information Services",
            "entertainment-media-latest-news",
            "publishing-information-services-list",
            "PUB",
        ),
        Industry(
            "Transportation, Trucking & Railroad",
            "auto-transportation-latest-news",
            "transportation-trucking-railroad-list",
            "TRN",
        ),
        Industry("Entertainment", "entertainment-media-latest-news", "entertainment-list", "ENT"),
    )
}

ISSUERS = (
    Issuer(
        "Northwind Traders, Inc.",
        "Northwind",
        "northwind-traders-inc",
        "northwind.example",
        "a leader in cloud applications for finance and human resources",
        (("NEW YORK",), ("SAN FRANCISCO",)),
        ("Computer Software", "Artificial Intelligence"),
        (("NASDAQ", "NWTR"),),
    ),
    Issuer(
        "Contoso Pharmaceuticals",
        "Contoso",
        "contoso-pharmaceuticals",
        "contoso-pharma.example",
        "a clinical-stage biopharmaceutical company",
        (("PLEASANTON, Calif.",),),
        ("Pharmaceuticals", "Biotechnology", "Health Care & Hospitals"),
        (("NYSE", "CTSO"),),
        source="Contoso Pharmaceuticals Inc.",
    ),
    Issuer(
        "Fabrikam Robotics Corp.",
        "Fabrikam",
        "fabrikam-robotics-corp",
        "fabrikam.example",
        "a global provider of industrial automation",
        (("PARIS", "TEANECK, N.J."), ("TORONTO",)),
        ("Computer & Electronics", "Automotive"),
        (("NASDAQ", "FBRK"), ("TSX", "FBR")),
    ),
    Issuer(
        "Zoë Analytics GmbH",
        "Zoë Analytics",
        "zoe-analytics-gmbh",
        "zoe-analytics.example",
        "the data platform for mid-sized manufacturers",
        (("MÜNCHEN",), ("BERLIN",)),
        ("Computer Software", "Artificial Intelligence"),
    ),
    Issuer(
        "Łódź BioLabs S.A.",
        "Łódź BioLabs",
        "lodz-biolabs-sa",
        "lodzbiolabs.example",
        "a contract research organization",
        (("ŁÓDŹ, Poland",), ("WARSAW, Poland",)),
        ("Biotechnology", "Pharmaceuticals"),
    ),
    Issuer(
        "São Paulo Energia S.A.",
        "São Paulo Energia",
        "sao-paulo-energia-sa",
        "spenergia.example",
        "one of Latin America’s largest renewable power producers",
        (("SÃO PAULO",),),
        ("Solar", "Banking & Financial Services"),
        (("NYSE", "SPEN"),),
    ),
    Issuer(
        "株式会社ミライテック",
        "Mirai Tech",
        "mirai-tech",
        "miraitech.example",
        "a Tokyo-based maker of industrial sensors",
        (("TOKYO",),),
        ("Computer & Electronics",),
    ),
    Issuer(
        "Maple Leaf Minerals Ltd.",
        "Maple Leaf Minerals",
        "maple-leaf-minerals-ltd",
        "mapleleafminerals.example",
        "a copper and gold exploration company",
        (("TORONTO",), ("VANCOUVER, BC",)),
        ("Mining & Metals",),
        (("TSX", "MLM"), ("NYSE American", "MLMX")),
    ),
    Issuer(
        "Blue Yonder Air",
        "Blue Yonder Air",
        "blue-yonder-air",
        "blueyonderair.example",
        "a regional airline serving 40 cities",
        (("DALLAS",), ("MIAMI",)),
        ("Travel", "Transportation, Trucking & Railroad"),
        (("NYSE American", "BYA"),),
    ),
    Issuer(
        "Global Health Partners",
        "Global Health Partners",
        "global-health-partners",
        "ghp.example",
        "a network of community hospitals",
        (("NASHVILLE, Tenn.",),),
        ("Health Care & Hospitals",),
        (("OTCQX", "GHPTF"),),
    ),
    Issuer(
        "Riverside Bancorp",
        "Riverside",
        "riverside-bancorp",
        "riversidebank.example",
        "the holding company for Riverside Bank",
        (("CHARLOTTE, N.C.",),),
        ("Banking & Financial Services", "Earnings"),
        (("NASDAQ", "RVSB"),),
    ),
    Issuer(
        "Helios Solar Holdings plc",
        "Helios Solar",
        "helios-solar-holdings-plc",
        "heliossolar.example",
        "a developer of utility-scale solar parks",
        (("LONDON",), ("MADRID",)),
        ("Solar",),
        (("LSE", "HLS"), ("NASDAQ", "HLSO")),
    ),
    Issuer(
        "Kestrel Foods Company",
        "Kestrel Foods",
        "kestrel-foods-company",
        "kestrelfoods.example",
        "the maker of Kestrel and Café Órbita brands",
        (("CHICAGO",), ("MINNEAPOLIS",)),
        ("Food & Beverages", "Earnings"),
        (("NYSE", "KSTL"),),
    ),
    Issuer(
        "Atlas Logistics Group",
        "Atlas Logistics",
        "atlas-logistics-group",
        "atlaslog.example",
        "a third-party logistics provider",
        (("MEMPHIS, Tenn.",), ("ROTTERDAM, Netherlands",)),
        ("Transportation, Trucking & Railroad",),
    ),
    Issuer(
        "National Association of Example Makers",
        "NAEM",
        "national-association-of-example-makers",
        "naem.example",
        "the trade association of the example industry",
        (("WASHINGTON",),),
        ("Not For Profit",),
        usnewswire=True,
    ),
    Issuer(
        "Cedar Children’s Hospital Foundation",
        "Cedar Foundation",
        "cedar-childrens-hospital-foundation",
        "cedarfoundation.example",
        "the charitable arm of Cedar Children’s Hospital",
        (("WASHINGTON",), ("BALTIMORE",)),
        ("Not For Profit", "Health Care & Hospitals"),
        usnewswire=True,
    ),
    Issuer(
        "Dragon Pearl Holdings Ltd",
        "Dragon Pearl",
        "dragon-pearl-holdings-ltd",
        "dragonpearl.example",
        "an operator of integrated resorts",
        (("HONG KONG",), ("MACAU",)),
        ("Travel", "Entertainment"),
        (("HKEX", "2288"),),
    ),
    Issuer(
        "Vireo Software, Inc.",
        "Vireo",
        "vireo-software-inc",
        "vireo.example",
        "the developer-first observability company",
        (("AUSTIN, Texas",),),
        ("Computer Software",),
        (("NYSE", "VIRO"),),
    ),
    Issuer(
        "Quantum Ridge Technologies",
        "Quantum Ridge",
        "quantum-ridge-technologies",
        "quantumridge.example",
        "a designer of photonic computing chips",
        (("BOSTON",), ("CAMBRIDGE, Mass.",)),
        ("Computer & Electronics", "Artificial Intelligence"),
        (("NASDAQ", "QRTX"),),
    ),
    Issuer(
        "Elbe Automotive AG",
        "Elbe Automotive",
        "elbe-automotive-ag",
        "elbe-auto.example",
        "a supplier of electric drivetrains",
        (("MÜNCHEN",), ("HAMBURG, Germany",)),
        ("Automotive",),
    ),
    Issuer(
        "Saldaña Media Group",
        "Saldaña Media",
        "saldana-media-group",
        "saldanamedia.example",
        "an independent studio and publisher",
        (("LOS ANGELES",), ("MEXICO CITY",)),
        ("Entertainment", "Publishing & Information Services"),
    ),
    Issuer(
        "Pinnacle Mining Corp.",
        "Pinnacle Mining",
        "pinnacle-mining-corp",
        "pinnaclemining.example",
        "a mid-tier silver producer",
        (("VANCOUVER, BC",), ("TORONTO",)),
        ("Mining & Metals", "Earnings"),
        (("TSX", "PMC"), ("NYSE", "PMCX")),
    ),
    Issuer(
        "Orchid Travel Group",
        "Orchid Travel",
        "orchid-travel-group",
        "orchidtravel.example",
        "an online travel agency for Southeast Asia",
        (("SINGAPORE",),),
        ("Travel",),
    ),
    Issuer(
        "Brightwater Capital & Co.",
        "Brightwater",
        "brightwater-capital-co",
        "brightwater.example",
        "a private equity firm focused on the lower middle market",
        (("NEW YORK",), ("GREENWICH, Conn.",)),
        ("Banking & Financial Services",),
    ),
)

PEOPLE = (
    "Zoë Saldaña",
    "José Núñez",
    "Anna Kowalska",
    "Łukasz Wróbel",
    "Mei Chen",
    "Hiroshi Tanaka",
    "Amélie Dubois",
    "Priya Raman",
    "Jane Doe",
    "John Smith",
    "Björn Larsson",
    "François Lefèvre",
    "Olúwadámiláre Ajayi",
    "Sinéad O’Brien",
    "Carlos Muñoz",
    "Sarah Kim",
)
ROLES = ("Marketing", "Financial", "Technology", "Operating", "People", "Revenue", "Product")
PRODUCTS = (
    "Atlas 2.0",
    "Nimbus AI Assistant",
    "EcoCharge Home Battery",
    "SkyBridge Analytics Suite",
    "Café Órbita Cold Brew",
    "Sentinel Edge Sensor",
    "Harbor Payments API",
    "Aurora Care App",
)
GOALS = (  # (as in a title, as in running text)
    ("Close the STEM Skills Gap", "close the STEM skills gap"),
    ("Expand Clean Energy Access in Latin America", "expand clean energy access in Latin America"),
    ("Bring Generative AI to Small Businesses", "bring generative AI to small businesses"),
    ("Modernize Hospital Supply Chains", "modernize hospital supply chains"),
    ("Cut Freight Emissions by Half", "cut freight emissions by half"),
    ("Train 10,000 New Nurses", "train 10,000 new nurses"),
)
CONFERENCES = (
    "J.P. Morgan Healthcare Conference",
    "Goldman Sachs Communacopia + Technology Conference",
    "Web Summit Lisbon",
    "CES® 2025",
    "BMO Global Metals & Mining Conference",
)
CITIES = ("Łódź", "São Paulo", "Zürich", "Montréal", "Austin", "Singapore", "Dublin", "Kraków")
AGENCIES = ("Bateman Group", "Lumen PR", "Édition Communications", "Harbor & Pike")
QUARTERS = ("First Quarter", "Second Quarter", "Third Quarter", "Fourth Quarter")

# Running text. {short}/{name}/{product}/{city}/{goal} are filled in per release.
SENTENCES = (
    "The launch follows two years of development with more than 200 customers.",
    "{short} expects the program to reach customers in 30 countries by the end of the year.",
    "Early adopters report a 40% reduction in manual work and faster month-end closes.",
    "The agreement builds on a decade of collaboration between the two organizations.",
    "Availability in {city} and other markets will follow in the coming months.",
    "Pricing and packaging details are available from {short} sales representatives.",
    "The initiative is part of {short}’s commitment to {goal}.",
    "Analysts have described the move as a “step change” for the sector.",
    "{short} will share more details during its annual customer conference.",
    "Independent tests found the new design uses 25% less energy than its predecessor.",
    "The company’s R&D team in {city} led the work.",
    "Customers can upgrade at no additional cost under existing contracts.",
    "More than 1,200 employees took part in the pilot phase.",
    "The company said it remains on track to meet its full-year guidance.",
)
HIGHLIGHTS = (
    "Revenue grew 18% year over year",
    "Gross margin improved to 62.4%",
    "Customer count passed 5,000, including “Fortune 500” firms",
    "Net retention rate of >115%",
    "Opened a new engineering hub in {city}",
    "Launched {product} in 12 markets",
    "Reduced Scope 1 & 2 emissions by 30%",
)
QUOTES = (
    "We couldn’t be more excited about what this means for our customers.",
    "This is an important milestone for {short} and for the communities we serve.",
    "Our teams have worked hard to make this possible, and the early results speak for themselves.",
    "We see enormous demand for simpler, more reliable tools, and {product} delivers exactly that.",
)
SUBTITLES = (
    "New platform cuts onboarding time by 40%",
    "Company raises full-year outlook",
    "Partnership extends to 12 new markets",
    "Program to reach 1 million people by 2027",
    "First deliveries expected in the second half of the year",
    "Conference call scheduled for 4:30 p.m. ET",
)

# The financial statements that close an earnings release: (title, columns, rows). Columns:
# "periods" (quarter and year to date, this year and last), "balance" (two dates), "notes"
# (footnote marks and text). A row ending in ":" opens a section (its other cells are empty),
# "" is a spacer row (every cell empty), any other row is a line item with figures.
STATEMENTS = (
    (
        "Condensed Consolidated Statements of Earnings",
        "periods",
        (
            "Net sales",
            "Cost of goods sold",
            "Gross profit",
            "Selling, general and administrative expenses",
            "Operating earnings",
            "",
            "Other income (expense):",
            "Interest income",
            "Interest expense",
            "Other – net",
            "Total other expense",
            "",
            "Earnings before income taxes",
            "Income tax provision",
            "Net earnings",
            "Less net earnings attributable to noncontrolling interest",
            "Net earnings attributable to the company",
            "",
            "Earnings per share:",
            "Basic",
            "Diluted",
            "Weighted average number of shares outstanding:",
            "Basic",
            "Diluted",
        ),
    ),
    (
        "Segment Results",
        "periods",
        (
            "Net sales:",
            "Enterprise",
            "Mid-market",
            "International",
            "Other",
            "Total net sales",
            "",
            "Operating earnings:",
            "Enterprise",
            "Mid-market",
            "International",
            "Unallocated expense",
            "Total operating earnings",
            "",
            "Operating margin:",
            "Enterprise",
            "Mid-market",
        ),
    ),
    (
        "Condensed Consolidated Balance Sheets: Assets",
        "balance",
        (
            "Current assets:",
            "Cash and cash equivalents",
            "Short-term investments",
            "Accounts receivable (less allowance for credit losses)",
            "Inventories – net",
            "Prepaid expenses and other current assets",
            "Total current assets",
            "",
            "Property, buildings and equipment – net",
            "Operating lease right-of-use assets",
            "Deferred income taxes",
            "Goodwill",
            "Intangibles – net",
            "Other assets",
            "Total assets",
        ),
    ),
    (
        "Condensed Consolidated Balance Sheets: Liabilities and Shareholders’ Equity",
        "balance",
        (
            "Current liabilities:",
            "Short-term debt",
            "Current maturities of long-term debt",
            "Trade accounts payable",
            "Accrued compensation and benefits",
            "Operating lease liabilities",
            "Accrued expenses",
            "Income taxes payable",
            "Total current liabilities",
            "",
            "Long-term debt",
            "Long-term operating lease liabilities",
            "Deferred income taxes and tax uncertainties",
            "Other non-current liabilities",
            "",
            "Shareholders’ equity:",
            "Common stock",
            "Additional contributed capital",
            "Retained earnings",
            "Accumulated other comprehensive loss",
            "Treasury stock, at cost",
            "Total shareholders’ equity",
            "Total liabilities and shareholders’ equity",
        ),
    ),
    (
        "Condensed Consolidated Statements of Cash Flows",
        "periods",
        (
            "Cash flows from operating activities:",
            "Net earnings",
            "Provision for credit losses",
            "Deferred income taxes and tax uncertainties",
            "Depreciation and amortization",
            "Non-cash lease expense",
            "Stock-based compensation",
            "Change in operating assets and liabilities:",
            "Accounts receivable",
            "Inventories",
            "Prepaid expenses and other assets",
            "Trade accounts payable",
            "Operating lease liabilities",
            "Accrued liabilities",
            "Income taxes – net",
            "Other non-current liabilities",
            "Net cash provided by operating activities",
            "",
            "Cash flows from investing activities:",
            "Capital expenditures",
            "Proceeds from sales of assets",
            "Other – net",
            "Net cash used in investing activities",
            "",
            "Cash flows from financing activities:",
            "Proceeds from debt",
            "Payments of debt",
            "Proceeds from stock options exercised",
            "Payments for employee taxes withheld from stock awards",
            "Purchases of treasury stock",
            "Cash dividends paid",
            "Net cash used in financing activities",
            "",
            "Exchange rate effect on cash and cash equivalents",
            "Net change in cash and cash equivalents",
            "Cash and cash equivalents at beginning of period",
            "Cash and cash equivalents at end of period",
        ),
    ),
    (
        "Reconciliation of Gross Profit",
        "periods",
        (
            "Gross profit reported",
            "Restructuring",
            "Gross profit adjusted",
            "Gross margin adjusted",
        ),
    ),
    (
        "Reconciliation of Selling, General and Administrative Expenses",
        "periods",
        ("SG&A reported", "Restructuring", "Gain on sale of assets", "SG&A adjusted"),
    ),
    (
        "Reconciliation of Operating Earnings",
        "periods",
        (
            "Operating earnings reported",
            "Restructuring",
            "Loss on business divestiture",
            "Operating earnings adjusted",
            "",
            "Operating margin reported",
            "Operating margin adjusted",
        ),
    ),
    (
        "Reconciliation of Net Earnings and Diluted Earnings per Share",
        "periods",
        (
            "Net earnings attributable to the company reported",
            "Restructuring",
            "Loss on business divestiture",
            "Tax effect",
            "Net earnings attributable to the company adjusted",
            "",
            "Diluted earnings per share reported",
            "Restructuring",
            "Loss on business divestiture",
            "Tax effect",
            "Diluted earnings per share adjusted",
        ),
    ),
    (
        "Reconciliation of EBITDA",
        "periods",
        (
            "Net earnings reported",
            "Income tax provision",
            "Interest expense – net",
            "Depreciation and amortization",
            "EBITDA",
            "Restructuring",
            "EBITDA adjusted",
        ),
    ),
    (
        "Daily and Organic Sales",
        "periods",
        (
            "Net sales reported",
            "Foreign currency exchange",
            "Business divestiture",
            "Organic sales",
            "",
            "Selling days",
            "Daily sales",
            "Daily organic sales",
        ),
    ),
    (
        "Notes",
        "notes",
        (
            "Figures may not sum due to rounding.",
            "Adjusted figures exclude restructuring and the loss on the business divestiture.",
            "See the supplemental information for reconciliations to the nearest GAAP measure.",
        ),
    ),
)
