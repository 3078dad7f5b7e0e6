"""Linguistic knowledge for the geoparser: demonyms, abbreviations, metonyms, titles and words to distrust.

Everything here is lexical (how English news names places), not geodata: place ids point into the gazetteer.
:func:`place_tables` lists the tables that add names to the geoparser's index, with the mention type and
prior of their entries; tests/test_lexicon.py checks that every id resolves in the bundled gazetteer, that no
table or word set repeats an entry, and that no word sits in two sets that contradict each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    """A set of whitespace-separated words."""
    return frozenset(text.split())


# Demonyms and adjectives -> ISO3 (ADM0_A3). Plurals ("Russians") are derived in ``demonym_forms``.
_DEMONYMS_ISO3: dict[str, str] = {
    "Afghan": "AFG",
    "Albanian": "ALB",
    "Algerian": "DZA",
    "American": "USA",
    "Andorran": "AND",
    "Angolan": "AGO",
    "Argentine": "ARG",
    "Argentinian": "ARG",
    "Armenian": "ARM",
    "Australian": "AUS",
    "Austrian": "AUT",
    "Azerbaijani": "AZE",
    "Azeri": "AZE",
    "Bahraini": "BHR",
    "Bangladeshi": "BGD",
    "Belarusian": "BLR",
    "Belarussian": "BLR",
    "Belgian": "BEL",
    "Beninese": "BEN",
    "Bhutanese": "BTN",
    "Bolivian": "BOL",
    "Bosnian": "BIH",
    "Brazilian": "BRA",
    "British": "GBR",
    "Bruneian": "BRN",
    "Bulgarian": "BGR",
    "Burkinabe": "BFA",
    "Burmese": "MMR",
    "Burundian": "BDI",
    "Cambodian": "KHM",
    "Cameroonian": "CMR",
    "Canadian": "CAN",
    "Chadian": "TCD",
    "Chilean": "CHL",
    "Chinese": "CHN",
    "Colombian": "COL",
    "Congolese": "COD",
    "Costa Rican": "CRI",
    "Croatian": "HRV",
    "Cuban": "CUB",
    "Cypriot": "CYP",
    "Czech": "CZE",
    "Danish": "DNK",
    "Dominican": "DOM",
    "Dutch": "NLD",
    "Ecuadorian": "ECU",
    "Egyptian": "EGY",
    "Emirati": "ARE",
    "English": "GBR",
    "Eritrean": "ERI",
    "Estonian": "EST",
    "Ethiopian": "ETH",
    "Fijian": "FJI",
    "Filipino": "PHL",
    "Finnish": "FIN",
    "French": "FRA",
    "Gabonese": "GAB",
    "Gambian": "GMB",
    "Georgian": "GEO",
    "German": "DEU",
    "Ghanaian": "GHA",
    "Greek": "GRC",
    "Guatemalan": "GTM",
    "Guinean": "GIN",
    "Haitian": "HTI",
    "Honduran": "HND",
    "Hungarian": "HUN",
    "Icelandic": "ISL",
    "Indian": "IND",
    "Indonesian": "IDN",
    "Iranian": "IRN",
    "Iraqi": "IRQ",
    "Irish": "IRL",
    "Israeli": "ISR",
    "Italian": "ITA",
    "Ivorian": "CIV",
    "Jamaican": "JAM",
    "Japanese": "JPN",
    "Jordanian": "JOR",
    "Kazakh": "KAZ",
    "Kazakhstani": "KAZ",
    "Kenyan": "KEN",
    "Kosovar": "KOS",
    "Kuwaiti": "KWT",
    "Kyrgyz": "KGZ",
    "Lao": "LAO",
    "Laotian": "LAO",
    "Latvian": "LVA",
    "Lebanese": "LBN",
    "Liberian": "LBR",
    "Libyan": "LBY",
    "Lithuanian": "LTU",
    "Luxembourgish": "LUX",
    "Macedonian": "MKD",
    "Malagasy": "MDG",
    "Malawian": "MWI",
    "Malaysian": "MYS",
    "Maldivian": "MDV",
    "Malian": "MLI",
    "Maltese": "MLT",
    "Mauritanian": "MRT",
    "Mauritian": "MUS",
    "Mexican": "MEX",
    "Moldovan": "MDA",
    "Monegasque": "MCO",
    "Mongolian": "MNG",
    "Montenegrin": "MNE",
    "Moroccan": "MAR",
    "Mozambican": "MOZ",
    "Namibian": "NAM",
    "Nepalese": "NPL",
    "Nepali": "NPL",
    "New Zealander": "NZL",
    "Nicaraguan": "NIC",
    "Nigerien": "NER",
    "Nigerian": "NGA",
    "North Korean": "PRK",
    "Norwegian": "NOR",
    "Omani": "OMN",
    "Pakistani": "PAK",
    "Palestinian": "PSX",
    "Panamanian": "PAN",
    "Paraguayan": "PRY",
    "Peruvian": "PER",
    "Philippine": "PHL",
    "Polish": "POL",
    "Portuguese": "PRT",
    "Qatari": "QAT",
    "Romanian": "ROU",
    "Russian": "RUS",
    "Rwandan": "RWA",
    "Salvadoran": "SLV",
    "Saudi": "SAU",
    "Scottish": "GBR",
    "Senegalese": "SEN",
    "Serbian": "SRB",
    "Sierra Leonean": "SLE",
    "Singaporean": "SGP",
    "Slovak": "SVK",
    "Slovakian": "SVK",
    "Slovenian": "SVN",
    "Somali": "SOM",
    "Somalian": "SOM",
    "South African": "ZAF",
    "South Korean": "KOR",
    "South Sudanese": "SDS",
    "Spanish": "ESP",
    "Sri Lankan": "LKA",
    "Sudanese": "SDN",
    "Swedish": "SWE",
    "Swiss": "CHE",
    "Syrian": "SYR",
    "Taiwanese": "TWN",
    "Tajik": "TJK",
    "Tanzanian": "TZA",
    "Thai": "THA",
    "Tibetan": "CHN",
    "Togolese": "TGO",
    "Tunisian": "TUN",
    "Turkish": "TUR",
    "Turkmen": "TKM",
    "Ugandan": "UGA",
    "Ukrainian": "UKR",
    "Uruguayan": "URY",
    "Uzbek": "UZB",
    "Venezuelan": "VEN",
    "Vietnamese": "VNM",
    "Welsh": "GBR",
    "Yemeni": "YEM",
    "Zambian": "ZMB",
    "Zimbabwean": "ZWE",
    "Briton": "GBR",
    "Scot": "GBR",
    "Kiwi": "NZL",
    "Aussie": "AUS",
    "Yankee": "USA",
    "Bosniak": "BIH",
    "Kurdish": "IRQ",
}

#: Demonyms of regions and continents -> place ids. ("Baltic" alone is the sea's name in the gazetteer.)
DEMONYM_PLACES: dict[str, str] = {
    "European": "continent:europe",
    "African": "continent:africa",
    "Asian": "continent:asia",
    "Latin American": "region:latin_america",
    "Soviet": "region:former_soviet_union",
    "Scandinavian": "region:scandinavia",
    "Balkan": "region:balkans",
    "Caucasian": "region:caucasus",
    "Middle Eastern": "region:middle_east",
    "Central Asian": "region:central_asia",
    "Crimean": "region:crimea",
}

#: Demonyms of sub-national or cross-border regions -> region ids; they beat a country demonym of the same
#: word ("Tibetan", "Kurdish"): their prior in :func:`place_tables` is higher.
REGION_DEMONYMS: dict[str, str] = {
    "South Ossetian": "region:south_ossetia",
    "South Ossetians": "region:south_ossetia",
    "Ossetian": "region:south_ossetia",
    "Abkhaz": "region:abkhazia",
    "Abkhazian": "region:abkhazia",
    "Abkhazians": "region:abkhazia",
    "Kashmiri": "region:kashmir",
    "Kashmiris": "region:kashmir",
    "Kurdish": "region:kurdistan_region",
    "Kurds": "region:kurdistan_region",
    "Tibetan": "region:tibet",
    "Tibetans": "region:tibet",
    "Uighur": "region:xinjiang",
    "Uighurs": "region:xinjiang",
    "Uyghur": "region:xinjiang",
    "Uyghurs": "region:xinjiang",
    "Darfuri": "region:darfur",
    "Darfuris": "region:darfur",
    "Siberian": "region:siberia",
    "Javanese": "region:java",
    "Sumatran": "region:sumatra",
    "Bornean": "region:borneo",
}

#: Demonyms of US states -> ISO 3166-2 codes ("Ohioans", "Texan"): singular and plural. Those shared
#: with a country ("Georgian") or two states ("Carolinian") are left out.
US_STATE_DEMONYMS: dict[str, str] = {
    f"{stem}{suffix}": code
    for stem, code in {
        "Alabamian": "US-AL",
        "Alaskan": "US-AK",
        "Arizonan": "US-AZ",
        "Arkansan": "US-AR",
        "Californian": "US-CA",
        "Coloradan": "US-CO",
        "Floridian": "US-FL",
        "Hawaiian": "US-HI",
        "Hoosier": "US-IN",
        "Idahoan": "US-ID",
        "Illinoisan": "US-IL",
        "Iowan": "US-IA",
        "Kansan": "US-KS",
        "Kentuckian": "US-KY",
        "Louisianan": "US-LA",
        "Marylander": "US-MD",
        "Michigander": "US-MI",
        "Minnesotan": "US-MN",
        "Mississippian": "US-MS",
        "Missourian": "US-MO",
        "Montanan": "US-MT",
        "Nebraskan": "US-NE",
        "Nevadan": "US-NV",
        "Ohioan": "US-OH",
        "Oklahoman": "US-OK",
        "Oregonian": "US-OR",
        "Pennsylvanian": "US-PA",
        "Tennessean": "US-TN",
        "Texan": "US-TX",
        "Utahn": "US-UT",
        "Vermonter": "US-VT",
        "Virginian": "US-VA",
        "Wisconsinite": "US-WI",
        "Wyomingite": "US-WY",
    }.items()
    for suffix in ("", "s")
}

# Plural and irregular plural demonyms that don't follow "+s".
_IRREGULAR_PLURALS: dict[str, str] = {
    "Filipinos": "Filipino",
    "Britons": "Briton",
    "Scots": "Scot",
    "Kiwis": "Kiwi",
    "Aussies": "Aussie",
    "Yankees": "Yankee",
    "Kosovars": "Kosovar",
    "Kurds": "Kurdish",
    "Brits": "British",
    "Frenchmen": "French",
    "Englishmen": "English",
    "Dutchmen": "Dutch",
    "Irishmen": "Irish",
    "Danes": "Danish",
    "Finns": "Finnish",
    "Poles": "Polish",
    "Swedes": "Swedish",
    "Turks": "Turkish",
    "Spaniards": "Spanish",
    "Arabs": "Saudi",
}


def demonym_forms() -> dict[str, str]:
    """Every demonym surface form (singular and plural) -> ISO3 country code."""
    out: dict[str, str] = {}
    for word, iso in _DEMONYMS_ISO3.items():
        out[word] = iso
        if word.endswith("an") or word.endswith("i") or word.endswith("ian") or word in ("Thai", "Czech"):
            out[word + ("es" if word.endswith("ch") else "s")] = iso
    for plural, singular in _IRREGULAR_PLURALS.items():
        if singular in _DEMONYMS_ISO3:
            out[plural] = _DEMONYMS_ISO3[singular]
    # "Arabs" is not a country: drop the placeholder mapping.
    out.pop("Arabs", None)
    return out


#: Abbreviations and short forms -> place ids. Case-sensitive (they are matched exactly as written).
ABBREVIATIONS: dict[str, str] = {
    "U.S.": "country:USA",
    "US": "country:USA",
    "USA": "country:USA",
    "U.S.A.": "country:USA",
    "America": "country:USA",
    "United States of America": "country:USA",
    "United States": "country:USA",
    "UK": "country:GBR",
    "U.K.": "country:GBR",
    "Britain": "country:GBR",
    "Great Britain": "country:GBR",
    "England": "country:GBR",
    "Scotland": "country:GBR",
    "Wales": "country:GBR",
    "UAE": "country:ARE",
    "U.A.E.": "country:ARE",
    "DRC": "country:COD",
    "DR Congo": "country:COD",
    "PRC": "country:CHN",
    "ROK": "country:KOR",
    "DPRK": "country:PRK",
    "USSR": "region:former_soviet_union",
    "Soviet Union": "region:former_soviet_union",
    "Holland": "country:NLD",
    "Ivory Coast": "country:CIV",
    "Burma": "country:MMR",
    "East Timor": "country:TLS",
    "Czech Republic": "country:CZE",
    "Czechia": "country:CZE",
    "South Korea": "country:KOR",
    "North Korea": "country:PRK",
    "Russian Federation": "country:RUS",
    "Kiev": "city:703448",
    "Kyiv": "city:703448",
    "Gaza": "country:PSX",
    "Congo": "country:COD",
    "NSW": "province:AU-NSW",
    "Queensland": "province:AU-QLD",
    "Tasmania": "province:AU-TAS",
    "Gaza Strip": "country:PSX",
    "West Bank": "country:PSX",
    "Palestine": "country:PSX",
    "Palestinian territories": "country:PSX",
    "D.C.": "city:4140963",
    "Washington D.C.": "city:4140963",
    "Washington DC": "city:4140963",
    "L.A.": "city:5368361",
    "NYC": "city:5128581",
    "N.Y.C.": "city:5128581",
}

#: US state abbreviations (AP style and postal with periods) -> ISO 3166-2 (matched only with their period).
US_STATE_ABBREVIATIONS: dict[str, str] = {
    "Ala.": "US-AL",
    "Ariz.": "US-AZ",
    "Ark.": "US-AR",
    "Calif.": "US-CA",
    "Colo.": "US-CO",
    "Conn.": "US-CT",
    "Del.": "US-DE",
    "Fla.": "US-FL",
    "Ga.": "US-GA",
    "Ill.": "US-IL",
    "Ind.": "US-IN",
    "Kan.": "US-KS",
    "Kans.": "US-KS",
    "Ky.": "US-KY",
    "La.": "US-LA",
    "Md.": "US-MD",
    "Mass.": "US-MA",
    "Mich.": "US-MI",
    "Minn.": "US-MN",
    "Miss.": "US-MS",
    "Mo.": "US-MO",
    "Mont.": "US-MT",
    "Neb.": "US-NE",
    "Nebr.": "US-NE",
    "Nev.": "US-NV",
    "N.H.": "US-NH",
    "N.J.": "US-NJ",
    "N.M.": "US-NM",
    "N.Y.": "US-NY",
    "N.C.": "US-NC",
    "N.D.": "US-ND",
    "Okla.": "US-OK",
    "Ore.": "US-OR",
    "Pa.": "US-PA",
    "R.I.": "US-RI",
    "S.C.": "US-SC",
    "S.D.": "US-SD",
    "Tenn.": "US-TN",
    "Tex.": "US-TX",
    "Vt.": "US-VT",
    "Va.": "US-VA",
    "Wash.": "US-WA",
    "W.Va.": "US-WV",
    "W. Va.": "US-WV",
    "Wis.": "US-WI",
    "Wisc.": "US-WI",
    "Wyo.": "US-WY",
}

#: Words after a place name that make it a disease or pathogen name ("Marburg virus", "Lyme disease").
DISEASE_WORDS: frozenset[str] = _words(
    "virus viruses fever disease flu influenza strain outbreak-strain encephalitis"
)

#: Capitalised words after a place name that make it a newspaper's name ("Washington Post", "Los Angeles
#: Times"): the organisation, not a mention of the place (the annotated corpora mostly leave them out).
NEWSPAPER_WORDS: frozenset[str] = _words(
    "post times herald tribune gazette chronicle journal examiner inquirer courier dispatch register bee"
)

#: Words before a name that say which kind of place it is ("the state of Washington").
PROVINCE_CUES: frozenset[str] = _words("state province commonwealth prefecture territory")

#: Capitalised words after a name that make it a state's ("New York Governor", "Ohio Legislature").
PROVINCE_HEADS: frozenset[str] = _words("governor gov legislature statehouse")

#: Words before a name that make it a place ("in Fargo", "near Oakland").
LOCATIVES: frozenset[str] = _words(
    "in at near from to into outside inside across throughout toward towards via"
)

#: Capitalised words that the gazetteer knows as some place but that, alone, are organisations or words.
NOT_PLACES: frozenset[str] = _words(
    """hamas hezbollah hizbollah taliban duma wal olympic olympics superior leader chamber rodeo warden
    arab baha bahai earth god internet web council assembly parliament congress senate"""
)

#: Metonyms: institutions or addresses standing for a country -> place id.
METONYMS: dict[str, str] = {
    "Kremlin": "country:RUS",
    "White House": "country:USA",
    "Pentagon": "country:USA",
    "Downing Street": "country:GBR",
    "Whitehall": "country:GBR",
    "Élysée": "country:FRA",
    "Elysee": "country:FRA",
    "Elysée Palace": "country:FRA",
    "Capitol Hill": "country:USA",
    "Zhongnanhai": "country:CHN",
    "Bankova": "country:UKR",
}

#: Alliances -> place ids (geometry = members on the article's date).
ALLIANCES: dict[str, str] = {
    "NATO": "alliance:nato",
    "Nato": "alliance:nato",
    "North Atlantic Treaty Organization": "alliance:nato",
    "North Atlantic Treaty Organisation": "alliance:nato",
    "North Atlantic Alliance": "alliance:nato",
    "EU": "alliance:eu",
    "E.U.": "alliance:eu",
    "European Union": "alliance:eu",
    "CSTO": "alliance:csto",
    "Collective Security Treaty Organization": "alliance:csto",
}

#: Words after a capital city that make it stand for its government ("Moscow said", "Washington warned").
METONYMIC_VERBS: frozenset[str] = _words(
    """
    accused accuses agreed agrees announced announces believed believes claimed claims could
    demanded demands denied denies feared fears had has hoped hopes insisted insists is may might
    must refused refuses rejected rejects responded responds said saw say says seeks sees should
    sought threatened threatens urged urges wanted wants warned warns was will would
    """
)

#: Nouns that a capital premodifies when it stands for its government ("a key Moscow demand", "the Beijing
#: leadership", "Kremlin officials").
METONYMIC_NOUNS: frozenset[str] = _words(
    """
    administration authorities claim claims decision demand demands diplomats government leadership
    negotiators offer officials ultimatum policy position proposal proposals readout regime response
    stance
    """
)

#: Titles and honorifics: a capitalised word right after one is a person, not a place.
TITLES: frozenset[str] = _words(
    """
    adm admiral ambassador archbishop ayatollah bishop brother capt cardinal chancellor chief coach
    col commander commissioner councilman councilwoman cpt dame deputy detective dr emir envoy
    father gen general gov governor jr judge justice king lady lord lt maj mayor mep minister miss
    mp mr mrs ms officer pastor pm pope premier president prince princess prof queen rep
    representative rev secretary secretary-general sen senator sgt sheikh sheriff sir sister
    spokesman spokesperson spokeswoman sr sultan superintendent trooper vice-president
    """
)

#: Capitalised words that start a place name only together with the next word ("New", "Saint").
#: Also words that are place names but mostly something else when alone at a sentence start.
COMMON_WORDS: frozenset[str] = _words(
    """
    delta plateau pacific atlantic airport creek village villages coast capital
    islands mountain mountains desert forest port ocean sea region province district
    town township borough parish metro downtown uptown midtown square hall tower bridge station
    camp base fort hill hills heights gardens grove meadows ridge point lakes
    a about above after again against all also although am an and any april are as at august autumn
    avenue bath bay be beach because been before being below best between bible big black both brown
    but by can center central centre christ christmas church city college commerce congress could
    county court day deal december department did do does doing down during each eagle early east
    easter eastern eden energy enterprise even ever every faith falls february few for friday from
    further globe god gold golden good government grace gray great green grey had harbor harbour has
    have having he heaven her herald here hers high him his home hope hospital house how however i
    if in independence international into is island it its january jesus journal joy july june just
    lake last late least less let liberty like little long lord low lucky man many march may me
    media men might mobile monday month more most mount much must my national never new news next
    nice no nor north northern not november now october of off office often old on once one only or
    orange other our out over own paradise park people per perhaps plus police post power press
    price rather reading republic rich river road royal sale same saturday school senate september
    she should silver since small so some south southern spring springs state still street such
    summer sunday than that the their them then there these they this those though through thursday
    thus time times to today tomorrow tonight too trade tribune tuesday under union university until
    up upon us valley very was we wednesday week well were west western what when where whether
    which while white who whom whose why will winter with within without woman women world would
    year yes yesterday yet you young your
    """
)

#: Common English nouns and adjectives that are also names of small towns ("Justice", "Monster", "Reserve",
#: "Liberal"): capitalised, they are mostly part of an organisation's or event's name ("Department of
#: Justice", "Federal Reserve"), so such a town needs a locative cue ("in Justice", "Justice, Ill.") or its
#: state (country) named elsewhere in the article.
COMMON_NOUNS: frozenset[str] = _words(
    """
    academy accord advance alliance ally amity anchor angel archer arrow art artesian athletic bank banner
    beacon bell bliss blue boulder buffalo bureau cabinet canal candor capitol cardinal carbon castle
    cedar celebration center champion chance charity charter chief citizen climax coal colony comfort
    commerce common commonwealth compact concord content copper cotton crown crystal cypress defiance
    democrat diamond difficult dollar eagle echo economy eden electric emerald empire energy enterprise
    equality equity eureka evening fair faith federal fidelity fortune forum freedom friendship frontier
    garden gem general gloria glory gospel granite grove guide harmony harvest haven hazard herald hero
    honor honour hope humble ideal imperial independence industry integrity iron ivory jewel joy jubilee
    justice keystone kingdom labor labour landmark legacy level liberal liberty lodge loyal loyalty magnet
    majestic mammoth marathon market marshal marvel mercy meridian mission modern monarch monster
    monument mystic nation navy needle normal novelty oasis opportunity orchard palace paradise patience
    patriot peace pearl pilot pioneer plenty premier president pride prime progress prospect prosperity
    protection providence rainbow ranger rebel reform regal reliance republican reserve rescue rose ruby
    saint salvation sanctuary security sentinel shelter signal society solitude sovereign spectrum sphinx
    standard star success sulphur summit sunrise sunset sunshine superior supreme surprise temperance
    temple tribune trinity triumph trophy truth unity universal utopia valor vanguard venture veteran
    victor victory vigilance vista volunteer warrior welcome wisdom zenith
    """
)

#: Words that may open a multi-word place name in lowercase ("eastern Europe", "former Soviet states").
LOWERCASE_OPENERS: frozenset[str] = _words(
    """
    central east eastern former north northern south southern west western
    """
)

#: Lowercase words allowed inside a multi-word name ("Bosnia and Herzegovina", "Isle of Man").
NAME_CONNECTORS: frozenset[str] = _words(
    """
    al am an and da de del den der des di do dos du el et in la las le los of on sur the upon van
    von y
    """
)

#: Cities that are also very common given names or surnames: need support from the article to count.
PERSON_NAMES: frozenset[str] = _words(
    """
    mary paul david martin nelson chad
    aurora austin bradley carson charlotte chester clinton dallas douglas eugene florence franklin
    george hamilton houston howard jackson jordan kent lafayette lee lincoln logan madison marion
    milton orlando paris raleigh sydney troy tyler victoria vladimir warren washington
    """
)

#: Capitalised words that follow a place name in the name of its institutions ("Fargo Mayor", "Oakland
#: Police", "Paris Public Library"): the place is still meant, so they do not make it part of a person's name.
PLACE_HEADS: frozenset[str] = _words(
    """
    mayor mayors police public library libraries commissioner commissioners commission council
    councils department dept fire board sheriff chief utilities municipal regional environmental
    transit zoo museum city county township schools school high middle elementary hospital medical
    clinic area chamber housing water airport district court courts jail council's officials
    residents downtown metro community memorial state planning parks recreation
    """
)

#: Words after a one-word name that make it a person speaking ("Baker said", "Hopkins told").
SPEECH_VERBS: frozenset[str] = _words(
    """
    said says told added explained noted recalled argued wrote asked answered replied admitted
    testified acknowledged agreed declined stated
    """
)

#: Verbs of legal action after a one-word name that starts a headline or sentence ("Gilbert charged",
#: "Lewis pleads"): with :data:`SPEECH_VERBS` and their present forms, they make the name a person.
LEGAL_VERBS: frozenset[str] = _words(
    """
    accused acquitted arraigned arrested booked charged convicted extradited fined indicted jailed pleads
    pleaded pled sentenced sued sues
    """
)

#: Verbs after a sentence-opening name that make it a person (speech and legal action, past and present).
PERSON_VERBS: frozenset[str] = (
    SPEECH_VERBS | LEGAL_VERBS | _words("tells testifies admits recalls explains writes asks argues")
)

#: Nouns of a description that states a town's container ("Hanover, a small town in Kansas").
CONTAINED_NOUNS: frozenset[str] = _words(
    """
    borough city community county district hamlet municipality neighborhood neighbourhood settlement
    suburb town township village
    """
)

#: Words of a direction between "in" and a stated container ("a town in northern Kansas").
DIRECTION_WORDS: frozenset[str] = _words(
    """
    central east eastern north northern northeast northeastern northwest northwestern south southern
    southeast southeastern southwest southwestern west western rural upstate downstate
    """
)

#: Phrases right before a name that give a person's origin ("a native of Jordan", "born in Lebanon",
#: "refugees from Chad"): there a country beats a same-named small town.
ORIGIN_CUES: tuple[str, ...] = ("native of", "natives of", "born in", "from")

#: Common English given names: a capitalised word right after one is a surname ("Gary Wilson", "Andrew
#: Trapani"), and one right before a capitalised word is a first name ("Mary Middleton"). Names that are
#: mostly places in the news (Georgia, Jordan, Austin, Paris, Florence, Victoria, ...) are left out.
FIRST_NAMES: frozenset[str] = _words(
    """
    aaron adam adrian alan albert alex alexander alfred alice alicia allen allison alvin amanda amber amy
    andrea andrew andy angela angie ann anna anne annie anthony antonio april arthur ashley audrey barbara
    barry becky ben benjamin bernard beth betty beverly bill billy bob bobby bonnie brad brandon brenda
    brent brett brian bruce bryan carl carla carlos carol carole caroline carolyn cassie catherine cathy
    chad charles charlie cheryl chris christina christine christopher cindy claire clara clarence claude
    clif cliff clifford clint cody colleen connie craig curtis cynthia dale dan dana daniel danny darlene
    darrell daryl dave david dawn dean debbie deborah debra denise dennis derek diana diane don donald donna
    doris dorothy doug douglas duane dustin dwight earl ed eddie edgar edith edward eileen elaine eleanor
    elizabeth ellen emily emma eric erica erik erin ernest esther ethel eugene evelyn frances francis frank
    fred frederick gail gary gene geoffrey george gerald geraldine gina glen glenn gloria gordon grace greg
    gregory hannah harold harry harvey haywood heather heidi helen henry herbert holly howard ian irene
    jack jacob jacqueline james jamie jan jana jane janet janice jason jean jeanne jeff jeffrey jennifer
    jenny jeremy jerome jerry jesse jessica jill jim jimmy jo joan joanne joe joel john johnny jon jonathan
    joseph josephine josh joshua joy joyce juan judith judy julia julie justin karen karl kate katherine
    kathleen kathryn kathy katie keith kelly ken kenneth kevin kim kimberly kirk kristen kurt kyle larry
    laura lauren lawrence leah leon leonard leslie lillian linda lisa lloyd lois lori louis louise lucy
    luis lynn marc marcia margaret maria marie marilyn mark marsha martha marvin mary matt matthew maureen
    max megan melissa michael michele michelle mike mildred misty mitch monica nancy natalie nathan neil
    nicholas nick nicole norma norman pam pamela pat patricia patrick patty paul paula peggy peter phil
    philip phillip phyllis rachel ralph randall randy ray raymond rebecca regina rhonda richard rick ricky
    rita rob robert roberta robin rodney roger ron ronald rose roy ruby russell ruth ryan sally samantha
    samuel sandra sandy sara sarah scott sean sharon shawn sheila shelby shirley stacy stanley stephanie
    stephen steve steven sue susan suzanne tammy tanya teresa terri terry theresa thomas tim timothy tina
    todd tom tommy tony tracy travis troy valerie vanessa vernon veronica vicki vickie victor vincent
    virgil wade walter wanda wayne wendy wesley william willie yvonne zachary
    """
)


@dataclass(frozen=True)
class PlaceTable:
    """Surface forms -> gazetteer place ids, with the mention type and the prior their candidates get."""

    name: str
    type: str  # mention type: literal | demonym | metonymic | alliance
    prior: float  # candidate prior (a country by its own name has 3.0, a province 2.3)
    entries: Mapping[str, str]  # surface form, matched case- and accent-insensitively -> place id


def place_tables() -> tuple[PlaceTable, ...]:
    """The lexicon tables that add names to the geoparser's index, as place ids.

    A surface in two tables gets both candidates; the higher prior wins unless context decides (a region
    demonym, 2.65, over a country demonym, 2.6: "Tibetan" is Tibet).
    """
    return (
        PlaceTable(
            "country demonyms", "demonym", 2.6, {k: f"country:{v}" for k, v in demonym_forms().items()}
        ),
        PlaceTable("demonym places", "demonym", 2.4, DEMONYM_PLACES),
        PlaceTable("region demonyms", "demonym", 2.65, REGION_DEMONYMS),
        PlaceTable(
            "US state demonyms", "demonym", 2.4, {k: f"province:{v}" for k, v in US_STATE_DEMONYMS.items()}
        ),
        PlaceTable("abbreviations", "literal", 3.2, ABBREVIATIONS),
        PlaceTable(
            "US state abbreviations",
            "literal",
            2.6,
            {k: f"province:{v}" for k, v in US_STATE_ABBREVIATIONS.items()},
        ),
        PlaceTable("metonyms", "metonymic", 2.8, METONYMS),
        PlaceTable("alliances", "alliance", 3.2, ALLIANCES),
    )
