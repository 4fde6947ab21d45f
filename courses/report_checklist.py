"""The report-readiness checklist (/help/report-checklist/): what an adult can have ready before
reporting to 911, the CyberTipline, the FBI, child protective services or the Trafficking Hotline.

The page stores nothing. Its text lives here rather than in content/ because every item is a
form control (a tick box or a notes field) that the Markdown sanitiser would strip; each string
is translated in the gettext catalog, and each factual claim cites `SOURCES` by number, checked on
`CHECKED`. Phone numbers and links come from `courses.help.HOTLINES`, so they can never differ
from the help box."""

from django.utils.translation import gettext_lazy as _

from .help import HOTLINES

CHECKED = "2026-11-30"

SOURCES = [
    {
        "number": 1,
        "title": "CyberTipline: Frequently Asked Questions",
        "publisher": "National Center for Missing & Exploited Children",
        "year": 2024,
        "url": "https://report.cybertip.org/faqs",
    },
    {
        "number": 2,
        "title": "Take It Down: Frequently Asked Questions",
        "publisher": "National Center for Missing & Exploited Children",
        "year": 2024,
        "url": "https://takeitdown.ncmec.org/faq/",
    },
    {
        "number": 3,
        "title": "Child Sexual Abuse Material",
        "publisher": "National Center for Missing & Exploited Children",
        "year": 2024,
        "url": "https://www.missingkids.org/theissues/csam",
    },
    {
        "number": 4,
        "title": "Child Sexual Abuse Material Created by Generative AI and Similar Online Tools is Illegal (Alert I-032924-PSA)",
        "publisher": "Federal Bureau of Investigation, Internet Crime Complaint Center (IC3)",
        "year": 2024,
        "url": "https://www.ic3.gov/Media/Y2024/PSA240329",
    },
    {
        "number": 5,
        "title": "What is Sextortion?",
        "publisher": "U.S. Attorney's Office, Southern District of Indiana (U.S. Department of Justice)",
        "year": 2023,
        "url": "https://www.justice.gov/usao-sdin/what-sextortion-0",
    },
    {
        "number": 6,
        "title": "The Financially Motivated Sextortion Threat",
        "publisher": "Federal Bureau of Investigation",
        "year": 2024,
        "url": "https://www.fbi.gov/news/stories/the-financially-motivated-sextortion-threat",
    },
    {
        "number": 7,
        "title": "Sextortion",
        "publisher": "Federal Bureau of Investigation",
        "year": 2024,
        "url": "https://www.fbi.gov/how-we-can-help-you/scams-and-safety/common-scams-and-crimes/sextortion",
    },
    {
        "number": 8,
        "title": "How to Report Suspected Child Maltreatment",
        "publisher": "Child Welfare Information Gateway, U.S. Department of Health and Human Services",
        "year": 2024,
        "url": "https://www.childwelfare.gov/topics/responding/reporting/how/",
    },
    {
        "number": 9,
        "title": "Mandatory Reporting of Child Abuse and Neglect (State Statutes)",
        "publisher": "Child Welfare Information Gateway, U.S. Department of Health and Human Services",
        "year": 2023,
        "url": "https://www.childwelfare.gov/resources/mandatory-reporting-child-abuse-and-neglect/",
    },
    {
        "number": 10,
        "title": "Our Approach",
        # The Hotline's own name, translated like everywhere else on the site.
        "publisher": _("National Human Trafficking Hotline"),
        "year": 2024,
        "url": "https://humantraffickinghotline.org/our-approach",
    },
    {
        "number": 11,
        "title": "988 Suicide & Crisis Lifeline",
        "publisher": "988 Suicide & Crisis Lifeline (U.S. Substance Abuse and Mental Health Services Administration)",
        "year": 2024,
        "url": "https://988lifeline.org/",
    },
    {
        "number": 12,
        "title": "What to do if a child reveals abuse",
        "publisher": "NSPCC",
        "country": "UK",
        "year": 2024,
        "url": "https://www.nspcc.org.uk/keeping-children-safe/reporting-abuse/what-to-do-child-reveals-abuse/",
    },
]

# The sources cited by the page's own paragraphs: the lead, the notes' introduction, "After".
CITES = {"intro": [1], "notes": [5], "after": [6, 11]}

# "Leave any images where they are": read, not ticked.
IMAGES = [
    {
        "text": _(
            "Never save, screenshot, download, print or forward a nude or sexual image or video of a child. Do not send it to anyone, not even to the police."
        ),
        "cite": [2],
    },
    {
        "text": _("Having or sharing an image like this can be a crime, even when you mean well."),
        "cite": [4],
    },
    {
        "text": _("Each copy can spread. Each time the image is seen, the child is harmed again."),
        "cite": [3],
    },
    {
        "text": _(
            "Instead, write down where the image is: which phone, app, chat or web page. Tell the people you report to. They will deal with it."
        ),
        "cite": [],
    },
    {
        "text": _(
            "Take It Down can help remove nude or sexual images of someone under 18 from sites that take part. The image never leaves your device."
        ),
        "cite": [2],
    },
]

# "Write down what you know": one notes field each.
NOTES = [
    {
        "key": "child",
        "label": _("The child"),
        "hint": _("Their name and age. The apps, games or sites they use, and their usernames there."),
        "cite": [5],
    },
    {
        "key": "other",
        "label": _("The other person"),
        "hint": _(
            "Every username, display name and user ID they used. Links to their profiles. Any phone numbers or email addresses. Which app, game or site each one is on."
        ),
        "cite": [5, 7],
    },
    {
        "key": "when",
        "label": _("When it happened"),
        "hint": _(
            "The dates and times of messages, requests, threats or plans to meet. A best guess is fine: just say it is a guess."
        ),
        "cite": [],
    },
    {
        "key": "what",
        "label": _("What was said or asked"),
        "hint": _(
            "What the person said, asked for, offered or threatened, in your own words. What the child told you, in their words, written down soon after you talked."
        ),
        "cite": [6],
    },
    {
        "key": "money",
        "label": _("Money asked for or paid"),
        "hint": _(
            "If someone asked for money: how much, and how they wanted it paid, such as gift cards, a payment app, game money or crypto. Account names, wallet addresses and receipts."
        ),
        "cite": [6],
    },
    {
        "key": "where",
        "label": _("Where you are, and where it happened"),
        "hint": _(
            "Your city and state, and where the child is. This helps get your report to the right police."
        ),
        "cite": [1],
    },
    {
        "key": "image",
        "label": _("Where any image is"),
        "hint": _("Only where it is: the device, app, chat or link. Do not open it again."),
        "cite": [2],
    },
]

# "Keep things as they are": tick boxes.
KEEP = [
    {
        "key": "delete",
        "text": _(
            "I have not deleted the child's account, the messages or the app. They can help the police find the person."
        ),
        "cite": [7],
    },
    {
        "key": "reply",
        "text": _(
            "No one is replying to the person any more, and nothing more has been paid or sent. Paying rarely makes the threats stop."
        ),
        "cite": [5, 6],
    },
    {
        "key": "confront",
        "text": _(
            "I have not confronted the person, or pretended to be the child to find out more. This can put the child at risk and warn the person."
        ),
        "cite": [12],
    },
    {
        "key": "device",
        "text": _("I have kept the phone or computer as it is. I have not wiped or reset it."),
        "cite": [7],
    },
    {
        "key": "block",
        "text": _(
            "After writing things down, I blocked the person and reported the account on the app, game or site."
        ),
        "cite": [6],
    },
]

_LINES = {line["key"]: line for line in HOTLINES}

# "Who to report to": tick each one done. `line` is the help line's numbers and links, if any.
ROUTES = [
    {
        "key": "911",
        "name": _LINES["911"]["name"],
        "when": _("If a child is in danger right now."),
        "cite": [8],
        "line": _LINES["911"],
    },
    {
        "key": "cybertipline",
        "name": _LINES["cybertipline"]["name"],
        "when": _("For online enticement, sextortion, sexual images of a child and child sex trafficking."),
        "cite": [1],
        "line": _LINES["cybertipline"],
    },
    {
        "key": "fbi",
        "name": _LINES["fbi"]["name"],
        "when": _("For sextortion. Report online, call, or contact your local FBI field office."),
        "cite": [7],
        "line": _LINES["fbi"],
    },
    {
        "key": "cps",
        "name": _("Child protective services or the police"),
        "when": _(
            "If someone the child knows in person may be hurting them. Anyone can report child abuse to the state or county child protective services office or to the police."
        ),
        "cite": [8],
        "line": None,
    },
    {
        "key": "school",
        "name": _("If you work in a school"),
        "when": _(
            "State law may say that you must report, and how. Follow your school's policy and tell your lead the same day. If you are not sure a report was made, make it yourself."
        ),
        "cite": [9],
        "line": None,
    },
    {
        "key": "trafficking-hotline",
        "name": _LINES["trafficking-hotline"]["name"],
        "when": _(
            "If someone is offering or seeking a child for sex in exchange for anything of value, such as money, a place to stay, food or drugs. It is open 24/7 and confidential."
        ),
        "cite": [1, 10],
        "line": _LINES["trafficking-hotline"],
    },
    {
        "key": "take-it-down",
        "name": _LINES["take-it-down"]["name"],
        "when": _("To help remove a nude or sexual image of someone under 18."),
        "cite": [2],
        "line": _LINES["take-it-down"],
    },
    {
        "key": "988",
        "name": _LINES["988"]["name"],
        "when": _("If the child or you are struggling, or thinking about self-harm."),
        "cite": [11],
        "line": _LINES["988"],
    },
    {
        "key": "platform",
        "name": _("The app, game or site"),
        "when": _("Report the account with its own safety tools, after you have written things down."),
        "cite": [6],
        "line": None,
    },
]
