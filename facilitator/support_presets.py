"""Country presets for the practice's support and crisis lines, chosen at first-run setup.

Each line names the page it was taken from and the day it was written down (`checked`). They are
national services that were well established when written; numbers and hours still change, so the
admin page asks the practice to verify every line before participants see it and flags any line not
checked for 12 months (docs/sharing.md, "Support lines").
"""

from __future__ import annotations

from dataclasses import dataclass

PRESETS_CHECKED = "2026-12-02"


@dataclass(frozen=True)
class PresetLine:
    name: str
    contact: str
    purpose: str
    source: str
    checked: str = PRESETS_CHECKED


@dataclass(frozen=True)
class Preset:
    label: str
    lines: tuple[PresetLine, ...]


def _emergency(number: str, source: str) -> PresetLine:
    return PresetLine(
        "Emergency services", f"Call {number}",
        "If you or someone else is in immediate danger or has been hurt.", source,
    )  # fmt: skip


PRESETS: dict[str, Preset] = {
    "uk": Preset("United Kingdom", (
        _emergency("999 (or 112)", "https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/when-to-call-999/"),
        PresetLine("NHS 111 (urgent mental health help)", "Call 111 and choose the mental health option, or go to 111.nhs.uk",
                   "Urgent help when you are struggling and it is not an emergency.",
                   "https://www.nhs.uk/nhs-services/mental-health-services/where-to-get-urgent-help-for-mental-health/"),
        PresetLine("Samaritans", "Call 116 123, free, day or night; email jo@samaritans.org",
                   "Someone to talk to about anything that is troubling you, however big or small.",
                   "https://www.samaritans.org/how-we-can-help/contact-samaritan/"),
        PresetLine("Shout", "Text SHOUT to 85258, free, 24 hours", "Text support when you are struggling to cope.",
                   "https://giveusashout.org/"),
        PresetLine("CALM (Campaign Against Living Miserably)", "Call 0800 58 58 58, 5pm to midnight every day; webchat at thecalmzone.net",
                   "For anyone having a tough time, however they describe it.", "https://www.thecalmzone.net/get-support"),
        PresetLine("Respect Phoneline", "Call 0808 802 4040", "For anyone worried about their own behaviour towards a partner or family.",
                   "https://respectphoneline.org.uk/"),
        PresetLine("Men's Advice Line", "Call 0808 801 0327", "For men experiencing domestic abuse from a partner or family member.",
                   "https://mensadviceline.org.uk/"),
    )),
    "ie": Preset("Ireland", (
        _emergency("112 or 999", "https://www.gov.ie/en/service/6ff5d4-emergency-services/"),
        PresetLine("Samaritans Ireland", "Call 116 123, free, day or night; email jo@samaritans.ie",
                   "Someone to talk to about anything that is troubling you.", "https://www.samaritans.org/ireland/samaritans-ireland/"),
        PresetLine("Pieta", "Call 1800 247 247 or text HELP to 51444, free, 24 hours",
                   "For people thinking about suicide or self-harm, and those bereaved by suicide.", "https://www.pieta.ie/"),
        PresetLine("Text 50808", "Text HELLO to 50808, free, 24 hours", "Text support in a crisis, whatever it is.",
                   "https://text50808.ie/"),
        PresetLine("Men's Aid", "Call 01 554 3811", "Support for men experiencing domestic abuse.", "https://www.mensaid.ie/"),
        PresetLine("Women's Aid", "Call 1800 341 900, free, 24 hours", "For women experiencing abuse from a partner or ex-partner.",
                   "https://www.womensaid.ie/"),
    )),
    "us": Preset("United States", (
        _emergency("911", "https://www.911.gov/"),
        PresetLine("988 Suicide & Crisis Lifeline", "Call or text 988; chat at 988lifeline.org",
                   "Free, confidential support in a crisis or emotional distress, 24 hours a day.", "https://988lifeline.org/"),
        PresetLine("Veterans Crisis Line", "Dial 988 then press 1, or text 838255", "Support for veterans and those who care about them.",
                   "https://www.veteranscrisisline.net/"),
        PresetLine("Crisis Text Line", "Text HOME to 741741", "Text with a trained volunteer crisis counselor, 24 hours.",
                   "https://www.crisistextline.org/"),
        PresetLine("National Domestic Violence Hotline", "Call 1-800-799-7233 or text START to 88788",
                   "For anyone affected by abuse in a relationship, including those worried about their own behavior.",
                   "https://www.thehotline.org/"),
        PresetLine("SAMHSA National Helpline", "Call 1-800-662-4357, free, 24 hours",
                   "Referrals for mental health and substance use treatment.", "https://www.samhsa.gov/find-help/national-helpline"),
    )),
    "ca": Preset("Canada", (
        _emergency("911", "https://www.canada.ca/en/public-health/services/mental-health-services/mental-health-get-help.html"),
        PresetLine("9-8-8 Suicide Crisis Helpline", "Call or text 988, 24 hours", "Support for anyone thinking about suicide or worried about someone.",
                   "https://988.ca/"),
        PresetLine("Hope for Wellness Help Line", "Call 1-855-242-3310 or chat at hopeforwellness.ca",
                   "Counselling and crisis support for all Indigenous people in Canada, 24 hours.", "https://www.hopeforwellness.ca/"),
        PresetLine("ShelterSafe", "sheltersafe.ca: a map of shelters and their crisis lines",
                   "For anyone experiencing abuse, to find the nearest shelter's 24-hour line.", "https://sheltersafe.ca/"),
    )),
    "au": Preset("Australia", (
        _emergency("000", "https://www.triplezero.gov.au/"),
        PresetLine("Lifeline", "Call 13 11 14 or text 0477 13 11 14, 24 hours", "Crisis support and suicide prevention.",
                   "https://www.lifeline.org.au/"),
        PresetLine("MensLine Australia", "Call 1300 78 99 78, 24 hours", "Counselling for men, about relationships, family and wellbeing.",
                   "https://mensline.org.au/"),
        PresetLine("Beyond Blue", "Call 1300 22 4636", "Support for anxiety, depression and worry.", "https://www.beyondblue.org.au/"),
        PresetLine("Suicide Call Back Service", "Call 1300 659 467, 24 hours", "Counselling for people affected by suicide.",
                   "https://www.suicidecallbackservice.org.au/"),
        PresetLine("1800RESPECT", "Call 1800 737 732, 24 hours", "For anyone affected by domestic, family or sexual violence.",
                   "https://www.1800respect.org.au/"),
    )),
    "nz": Preset("New Zealand", (
        _emergency("111", "https://www.police.govt.nz/contact-us/call-111"),
        PresetLine("Need to talk? 1737", "Call or text 1737, free, 24 hours", "Talk with a trained counsellor about anything.",
                   "https://1737.org.nz/"),
        PresetLine("Lifeline Aotearoa", "Call 0800 543 354 or text 4357 (HELP)", "Someone to talk to, 24 hours.",
                   "https://www.lifeline.org.nz/"),
        PresetLine("Suicide Crisis Helpline", "Call 0508 828 865 (0508 TAUTOKO)", "For people thinking about suicide or worried about someone.",
                   "https://www.lifeline.org.nz/services/suicide-crisis-helpline"),
        PresetLine("Are You OK family violence line", "Call 0800 456 450", "Information and support about family violence, for anyone.",
                   "https://areyouok.org.nz/"),
    )),
}

COUNTRY_CHOICES = [(code, preset.label) for code, preset in PRESETS.items()]
