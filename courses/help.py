"""Where to get help. These lines appear in the help box on every lesson, module and error page
and on the help page; the content tests check that the course text uses exactly these numbers.

Each line records the official page its details were checked against and the date of that check
(`source`, `checked`); tests/courses/test_help_lines.py pins every value and fails once a check is
more than 12 months old, so someone looks at the official pages again at least once a year.

`INTERNATIONAL` holds the official reporting and help routes of other countries, for the
"Outside the United States" page. The course itself is written for the United States."""

from django.utils.translation import gettext_lazy as _

CHECKED = "2026-11-30"

HOTLINES = [
    {
        "key": "911",
        "name": _("Immediate danger"),
        "what": _("If a child is in danger right now, call 911."),
        "phone": "911",
        "tel": "911",
        "text": "",
        "web": "",
        "chat": "",
        "tty": "",
        "notes": [],
        "source": "https://www.911.gov/",
        "checked": CHECKED,
    },
    {
        "key": "cybertipline",
        "name": _("NCMEC CyberTipline"),
        "what": _(
            "Report online enticement, sextortion, child sexual abuse material (including fake or AI-made images) and child sex trafficking."
        ),
        "phone": "1-800-843-5678",
        "tel": "+18008435678",
        "text": "",
        "web": "https://report.cybertip.org",
        "chat": "",
        "tty": "",
        "notes": [_("You can report without giving your name.")],
        "source": "https://report.cybertip.org/",
        "checked": CHECKED,
    },
    {
        "key": "fbi",
        "name": _("FBI"),
        "what": _("Report sextortion and other crimes against children to the FBI."),
        "phone": "1-800-CALL-FBI",
        "tel": "+18002255324",
        "text": "",
        "web": "https://tips.fbi.gov",
        "chat": "",
        "tty": "",
        "notes": [_("1-800-CALL-FBI is 1-800-225-5324.")],
        "source": "https://www.fbi.gov/how-we-can-help-you/scams-and-safety/common-scams-and-crimes/sextortion",
        "checked": CHECKED,
    },
    {
        "key": "take-it-down",
        "name": _("Take It Down"),
        "what": _(
            "Free help to remove nude or sexual images of someone under 18 from sites that take part. The image never leaves your device."
        ),
        "phone": "",
        "tel": "",
        "text": "",
        "web": "https://takeitdown.ncmec.org",
        "chat": "",
        "tty": "",
        "notes": [],
        "source": "https://takeitdown.ncmec.org/",
        "checked": CHECKED,
    },
    {
        "key": "trafficking-hotline",
        "name": _("National Human Trafficking Hotline"),
        "what": _(
            "24/7 and confidential. Calls are answered in English and Spanish, and in more than 200 other languages through interpreters."
        ),
        "phone": "1-888-373-7888",
        "tel": "+18883737888",
        "text": "233733",
        "web": "",
        "chat": "https://humantraffickinghotline.org/chat",
        "tty": "711",
        "notes": [
            _("Text and chat are in English and Spanish only."),
            _(
                "The Hotline is not a law-enforcement agency. It can pass tips to specialized law enforcement."
            ),
        ],
        "source": "https://humantraffickinghotline.org/about-us/what-we-do",
        "checked": CHECKED,
    },
    {
        "key": "988",
        "name": _("988 Suicide & Crisis Lifeline"),
        "what": _("If you or a child are struggling or thinking about self-harm: call, text or chat, 24/7."),
        "phone": "988",
        "tel": "988",
        "text": "988",
        "web": "",
        "chat": "https://988lifeline.org/chat",
        "tty": "",
        "notes": [_("En español: call 988 and press 2, or text AYUDA to 988.")],
        "source": "https://988lifeline.org/get-help/what-to-expect",
        "checked": CHECKED,
    },
]

PHONE_NUMBERS = {h["phone"] for h in HOTLINES if h["phone"]} | {h["text"] for h in HOTLINES if h["text"]}

# Other countries' official routes, for the "Outside the United States" page. Only routes whose
# details were found on an official page are listed; each names that page and the check date.
INTERNATIONAL = [
    {
        "key": "uk",
        "country": _("United Kingdom"),
        "routes": [
            {
                "name": _("Police emergency"),
                "what": _("If a child is in immediate danger, call 999."),
                "phone": "999",
                "tel": "999",
                "web": "",
                "source": "https://www.nspcc.org.uk/keeping-children-safe/reporting-abuse/",
            },
            {
                "name": _("CEOP Safety Centre (National Crime Agency)"),
                "what": _(
                    "Report online sexual abuse or grooming of a child. A child protection advisor reads every report. Reports cannot be anonymous."
                ),
                "phone": "",
                "tel": "",
                "web": "https://www.ceop.police.uk/Safety-Centre/",
                "source": "https://www.ceop.police.uk/Safety-Centre/How-can-CEOP-help-me-YP/How-can-CEOP-help-me-concerned-adult",
            },
            {
                "name": _("NSPCC Helpline"),
                "what": _("For adults who are worried about a child."),
                "phone": "0808 800 5000",
                "tel": "+448088005000",
                "web": "https://www.nspcc.org.uk/keeping-children-safe/reporting-abuse/",
                "source": "https://www.nspcc.org.uk/keeping-children-safe/reporting-abuse/",
            },
            {
                "name": _("Childline and Report Remove"),
                "what": _(
                    "Free, confidential support for anyone under 19. Its Report Remove tool, run with the Internet Watch Foundation, helps under-18s get nude images of themselves taken down."
                ),
                "phone": "0800 1111",
                "tel": "08001111",
                "web": "https://www.childline.org.uk",
                "source": "https://learning.nspcc.org.uk/services/childline",
            },
        ],
    },
    {
        "key": "canada",
        "country": _("Canada"),
        "routes": [
            {
                "name": _("Police emergency"),
                "what": _("If a child is in immediate danger, call 911 or your local police."),
                "phone": "911",
                "tel": "911",
                "web": "",
                "source": "https://www.cybertip.ca/en/report/taking-action/",
            },
            {
                "name": _("Cybertip.ca"),
                "what": _(
                    "Canada's national tipline for reporting the online sexual exploitation of children."
                ),
                "phone": "1-866-658-9022",
                "tel": "+18666589022",
                "web": "https://www.cybertip.ca",
                "source": "https://www.cybertip.ca/en/report/taking-action/",
            },
            {
                "name": _("NeedHelpNow.ca"),
                "what": _("Steps for young people to get a sexual image of themselves removed."),
                "phone": "",
                "tel": "",
                "web": "https://needhelpnow.ca",
                "source": "https://www.protectkidsonline.ca/app/en/report_concerning_behaviour",
            },
            {
                "name": _("Canadian Human Trafficking Hotline"),
                "what": _(
                    "24/7 and confidential, with interpreters in more than 200 languages. It is not a law-enforcement agency."
                ),
                "phone": "1-833-900-1010",
                "tel": "+18339001010",
                "web": "https://www.canadianhumantraffickinghotline.ca",
                "source": "https://www.canada.ca/en/public-safety-canada/campaigns/human-trafficking/sts.html",
            },
            {
                "name": _("Kids Help Phone"),
                "what": _("Free 24/7 support for young people. Text CONNECT to 686868."),
                "phone": "",
                "tel": "",
                "web": "https://kidshelpphone.ca",
                "source": "https://kidshelpphone.ca/text-about-it/",
            },
        ],
    },
    {
        "key": "australia",
        "country": _("Australia"),
        "routes": [
            {
                "name": _("Police emergency"),
                "what": _("If a child is in immediate danger, call Triple Zero (000)."),
                "phone": "000",
                "tel": "000",
                "web": "",
                "source": "https://www.accce.gov.au/report",
            },
            {
                "name": _("Australian Centre to Counter Child Exploitation (ACCCE)"),
                "what": _("Report online grooming, sextortion and other online child sexual exploitation."),
                "phone": "",
                "tel": "",
                "web": "https://www.accce.gov.au/report",
                "source": "https://www.accce.gov.au/report",
            },
            {
                "name": _("Crime Stoppers"),
                "what": _("Report anonymously."),
                "phone": "1800 333 000",
                "tel": "+611800333000",
                "web": "",
                "source": "https://www.accce.gov.au/report",
            },
            {
                "name": _("eSafety Commissioner"),
                "what": _("Report illegal online content, including child sexual abuse material."),
                "phone": "",
                "tel": "",
                "web": "https://www.esafety.gov.au/report",
                "source": "https://www.acorn.gov.au/support-and-advice/support-children",
            },
            {
                "name": _("Kids Helpline"),
                "what": _("Free, private counselling for young people aged 5 to 25, 24 hours a day."),
                "phone": "1800 55 1800",
                "tel": "+611800551800",
                "web": "",
                "source": "https://www.acorn.gov.au/support-and-advice/support-children",
            },
        ],
    },
    {
        "key": "ireland",
        "country": _("Ireland"),
        "routes": [
            {
                "name": _("An Garda Síochána or Tusla"),
                "what": _(
                    "Report a concern about a child's safety to the Gardaí (the police) or to Tusla, the Child and Family Agency. If a child is in immediate danger, contact the Gardaí at once."
                ),
                "phone": "",
                "tel": "",
                "web": "https://www.tusla.ie",
                "source": "https://www.oireachtas.ie/en/debates/question/2014-07-10/148/",
            },
            {
                "name": _("Hotline.ie"),
                "what": _(
                    "Report child sexual abuse material and other illegal content online, anonymously if you wish."
                ),
                "phone": "",
                "tel": "",
                "web": "https://hotline.ie/report",
                "source": "https://hotline.ie/report",
            },
            {
                "name": _("Childline by ISPCC"),
                "what": _("A free 24-hour listening service for children and young people."),
                "phone": "",
                "tel": "",
                "web": "https://www.ispcc.ie",
                "source": "https://www.ispcc.ie/childlines-24-7-support-line-conversations-in-the-lead-up-to-christmas/",
            },
        ],
    },
]
