"""Where to get help. These numbers appear on every lesson and the help page; the content tests
check that the course text uses exactly these."""

from django.utils.translation import gettext_lazy as _

HOTLINES = [
    {
        "name": _("Immediate danger"),
        "what": _("If a child is in danger right now, call 911."),
        "phone": "911",
        "text": "",
        "web": "",
    },
    {
        "name": _("NCMEC CyberTipline"),
        "what": _("Report online enticement, sextortion or child sexual abuse material."),
        "phone": "1-800-843-5678",
        "text": "",
        "web": "https://report.cybertip.org",
    },
    {
        "name": _("Take It Down"),
        "what": _("Help removing nude or sexual images of someone under 18 from the internet."),
        "phone": "",
        "text": "",
        "web": "https://takeitdown.ncmec.org",
    },
    {
        "name": _("National Human Trafficking Hotline"),
        "what": _("24/7, confidential, in more than 200 languages."),
        "phone": "1-888-373-7888",
        "text": "233733",
        "web": "",
    },
    {
        "name": _("988 Suicide & Crisis Lifeline"),
        "what": _("If you or a child are struggling or thinking about self-harm: call or text 988."),
        "phone": "988",
        "text": "988",
        "web": "",
    },
]

PHONE_NUMBERS = {h["phone"] for h in HOTLINES if h["phone"]} | {h["text"] for h in HOTLINES if h["text"]}
