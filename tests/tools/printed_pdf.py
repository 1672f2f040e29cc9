"""Writes tests/pages/da_printet_side.pdf: a debate page as a browser prints it to PDF;
with `--columns`, tests/pages/da_avisartikel_spalter.pdf: a newspaper article set in two
columns under a headline that spans them, under a source line in small type, as a media
archive's article PDF prints it.

Made with fpdf2 (not a dependency of the project; `pip install fpdf2==2.8.9`) and the
DejaVu Sans font, embedded as Chrome embeds a page's fonts, with the margins a browser
prints: the time printed and the page's title over each sheet, its address and "1/2"
under it. The page's words are this project's own test text, nothing copied.

    python tests/tools/printed_pdf.py tests/pages/da_printet_side.pdf
    python tests/tools/printed_pdf.py --columns tests/pages/da_avisartikel_spalter.pdf
"""

import sys

from fpdf import FPDF

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
URL = "https://www.avisen.example/debat/kommunerne-mangler-socialraadgivere"
TITLE = "Kommunerne mangler socialrådgivere | Avisen"

ARTICLE = [
    "Flere kommuner kan ikke besætte stillinger som socialrådgiver, og sagsbunkerne vokser. Det viser en ny "
    "opgørelse fra Dansk Socialrådgiverforening, som har spurgt alle landets kommuner om ubesatte stillinger.",
    "Ifølge foreningen har hver tredje kommune haft ubesatte stillinger i mere end et halvt år. Det går ud over "
    "udsatte børn og familier, som venter længere på hjælp, og over de socialrådgivere, der bliver tilbage.",
    "Kommunernes Landsforening erkender problemet, men peger på, at der uddannes flere socialrådgivere end "
    "nogensinde, og at rekrutteringen tager tid.",
]
# (name, date, text, indented: a reply)
COMMENTS = [
    (
        "Lars Jensen",
        "14. marts 2024 kl. 10:12",
        "Jeg er selv socialrådgiver, og jeg kan bekræfte hvert ord. Vi "
        "drukner i sager, og de nye kolleger bliver ikke længe, fordi de ikke kan nå at gøre arbejdet ordentligt.",
        False,
    ),
    (
        "Mette Sørensen",
        "14. marts 2024 kl. 11:40",
        "Det er jo ikke rigtigt, at det kun handler om penge. Ledelsen har også et ansvar for, at folk bliver.",
        True,
    ),
    (
        "Ole Berg",
        "15. marts 2024 kl. 08:02",
        "Hvem skal betale for flere socialrådgivere i kommunerne, når budgetterne er skåret ind til benet?",
        False,
    ),
    (
        "Anne Holm",
        "15. marts 2024 kl. 09:30",
        "Staten må tage et ansvar. Kommunerne kan ikke løfte det alene, og "
        "borgerne betaler prisen, når sagerne hober sig op på skrivebordene.",
        False,
    ),
    (
        "Peter Nielsen",
        "15. marts 2024 kl. 12:45",
        "Man burde se på, hvor meget tid der går med dokumentation. "
        "Det er dér, tiden forsvinder, ikke i mødet med borgerne.",
        False,
    ),
    ("Karin Ek", "16. marts 2024 kl. 07:58", "Helt enig med Peter. Dokumentationskravene er vokset år for år.", True),
]


class PrintedPage(FPDF):
    def header(self):
        self.set_font("dv", size=8)
        self.set_xy(10, 5)
        self.cell(60, 5, "14.03.2024 16.02")
        self.set_xy(70, 5)
        self.cell(100, 5, TITLE, align="C")
        self.set_y(14)

    def footer(self):
        self.set_font("dv", size=8)
        self.set_xy(10, -10)
        self.cell(150, 5, URL)
        self.set_xy(170, -10)
        self.cell(30, 5, f"{self.page_no()}/{{nb}}", align="R")


def main(out: str) -> None:
    pdf = PrintedPage(format="A4")
    pdf.add_font("dv", "", FONT)
    pdf.add_font("dv", "B", BOLD)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()

    def block(text: str, size: float = 11, style: str = "", indent: float = 0, gap: float = 4) -> None:
        pdf.set_font("dv", style, size)
        pdf.set_x(15 + indent)
        # Left-aligned, as a browser sets a page's text.
        pdf.multi_cell(180 - indent, size * 0.5, text, align="L")
        pdf.ln(gap)

    block("Nyheder   Debat   Kultur   Sport", size=9)
    block("Debat", size=9, style="B")
    block("Kommunerne mangler socialrådgivere", size=20, style="B")
    block("Af Karen Holm, journalist", size=9)
    block("13. marts 2024", size=9)
    for paragraph in ARTICLE * 2:
        block(paragraph)
    block("6 kommentarer", size=13, style="B")
    for name, date, text, reply in COMMENTS:
        indent = 8 if reply else 0
        block(f"{name} · {date}", size=10, style="B", indent=indent, gap=1)
        block(text, indent=indent, gap=1)
        block("Svar · Synes godt om", size=8, indent=indent, gap=5)
    block("Læs også: Socialrådgivere forlader faget", size=9)
    pdf.output(out)


# Each column's paragraphs, the right column shorter, as an article's last column is (laid
# out so, pdfminer's own order reads the right column before the byline).
LEFT_COLUMN = [
    "Flere kommuner kan ikke besætte stillinger som socialrådgiver, og sagsbunkerne vokser. Det viser en ny "
    "opgørelse fra Dansk Socialrådgiverforening, som har spurgt alle landets kommuner om deres ubesatte "
    "stillinger, om ventetiderne for borgerne og om, hvor mange sager den enkelte medarbejder har.",
    "Ifølge foreningen har hver tredje kommune haft ubesatte stillinger i mere end et halvt år, og i flere af "
    "dem har stillingerne været slået op tre gange uden en eneste kvalificeret ansøger. Især de små kommuner "
    "langt fra uddannelsesbyerne har svært ved at tiltrække erfarne folk.",
    "Det går ud over udsatte børn og familier, som venter længere på hjælp, og over de socialrådgivere, der "
    "bliver tilbage og skal løfte flere sager end før. Mange af dem fortæller, at de overvejer at skifte job.",
]
RIGHT_COLUMN = [
    "Kommunernes Landsforening erkender problemet, men peger på, at der uddannes flere socialrådgivere end "
    "nogensinde, og at rekrutteringen tager tid.",
    "Foreningen vil nu have et loft over, hvor mange sager den enkelte socialrådgiver må have.",
]


def columns(out: str) -> None:
    pdf = FPDF(format="A4")
    pdf.add_font("dv", "", FONT)
    pdf.add_font("dv", "B", BOLD)
    pdf.add_page()
    # An archive's source line over the article, in small type.
    pdf.set_font("dv", size=8)
    pdf.set_xy(15, 12)
    pdf.cell(0, 5, "Avisen - 13.03.2024 - 1. sektion - Side 6 - 412 ord")
    pdf.set_font("dv", "B", 20)
    pdf.set_xy(15, 20)
    pdf.multi_cell(180, 9, "Kommunerne mangler socialrådgivere", align="L")
    pdf.set_font("dv", size=9)
    for line in ("Af Karen Holm", "13. marts 2024"):
        pdf.set_x(15)
        pdf.cell(0, 6, line)
        pdf.ln(8)
    top = pdf.get_y() + 2
    pdf.set_font("dv", size=10)
    for x, paragraphs, gap in ((15, LEFT_COLUMN, 3), (110, RIGHT_COLUMN, 7)):
        pdf.set_xy(x, top)
        for paragraph in paragraphs:
            pdf.set_x(x)
            pdf.multi_cell(85, 5, paragraph, align="L")
            pdf.ln(gap)
    pdf.output(out)


if __name__ == "__main__":
    if sys.argv[1] == "--columns":
        columns(sys.argv[2])
    else:
        main(sys.argv[1])
