"""English UI strings that must not reach a user: what Django and allauth say when a string is not translated
or a template is not overridden. Shared by the page crawls (test client and Chromium) and the e-mail checks."""

from __future__ import annotations

import re
from html.parser import HTMLParser

DENY = [
    "- Select an option -",
    "Sign Up Closed",
    "Sign In",
    "Sign Up",
    "Sign Out",
    "Password",
    "Forgot",
    "Remember Me",
    "Username",
    "Email",
    "Select",
    "Submit",
    "Save",
    "Delete",
    "Cancel",
    "Order",
    "Change",
    "Reset",
    "Confirm",
    "This field is required",
    "Hello from",
    "Thank you for using",
    "Forbidden",
    "Not Found",
    "Server Error",
]
# Whole words, case-sensitive: "Order:" is caught; Vietnamese text and codes such as "KH-SGDĐT" are not.
DENY_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in DENY) + r")(?!\w)")

# Attributes whose values a user reads (or hears with a screen reader).
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


def english_in(text: str) -> list[str]:
    return sorted(set(DENY_RE.findall(text)))


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        self.parts += [values[a] for a in READ_ATTRIBUTES if values.get(a)]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a page shows: its text (title included) and the attributes a user reads."""
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


# The same, in the browser (after scripts ran): text nodes outside script/style, and the read attributes.
VISIBLE_TEXT_JS = """() => {
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest("script, style")) out.push(n.textContent);
  }
  document.querySelectorAll("[placeholder], [title], [aria-label], [alt], input[type=submit], input[type=button]")
    .forEach((e) => {
      ["placeholder", "title", "aria-label", "alt"].forEach((a) => {
        if (e.getAttribute(a)) out.push(e.getAttribute(a));
      });
      if ((e.type === "submit" || e.type === "button") && e.value) out.push(e.value);
    });
  return out.join("\\n");
}"""
