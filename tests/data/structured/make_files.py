"""Regenerate report.pdf and protocol.docx (dev dependencies fpdf2 and python-docx):
`.venv/bin/python tests/data/structured/make_files.py`."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
PAGES = [
    [("h", "Annual Report 2023"),
     ("p", "Greenfield Water Utility supplies drinking water to 84,000 households in the valley."),
     ("p", "The utility was founded in 1961 and is owned by four municipalities.")],
    [("h", "Leadership"),
     ("p", "The managing director is Imelda Vargas, appointed in March 2021."),
     ("p", "The supervisory board has seven members and meets four times a year."),
     ("t", [["Plant", "Capacity", "Built"], ["North works", "42,000 m3/day", "1978"],
            ["River works", "18,500 m3/day", "2009"]])],
    [("h", "Outlook"),
     ("p", "A new membrane filtration stage will be commissioned in June 2025."),
     ("p", "Water tariffs stay unchanged until the end of 2024.")],
]


def make_pdf() -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for no, blocks in enumerate(PAGES, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        pdf.set_xy(15, 8)
        pdf.cell(0, 5, "Greenfield Water Utility - Annual Report 2023 - CONFIDENTIAL DRAFT")
        pdf.set_xy(15, 30)
        for kind, value in blocks:
            if kind == "h":
                pdf.set_font("Helvetica", style="B", size=16)
                pdf.cell(0, 10, str(value), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(3)
            elif kind == "p":
                pdf.set_font("Helvetica", size=11)
                pdf.multi_cell(0, 6, str(value), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(5)
            else:
                pdf.set_font("Helvetica", size=10)
                with pdf.table() as table:
                    for row in value:
                        r = table.row()
                        for cell in row:
                            r.cell(cell)
                pdf.ln(5)
        pdf.set_font("Helvetica", size=8)
        pdf.set_xy(15, 285)
        pdf.cell(0, 5, f"Page {no} of {len(PAGES)}")
    pdf.output(str(HERE / "report.pdf"))


def make_docx() -> None:
    import docx

    d = docx.Document()
    d.add_heading("Protocol of the members' meeting", level=0)
    d.add_heading("1. Budget", level=1)
    d.add_paragraph("The meeting approved the budget for 2025 shown below.")
    table = d.add_table(rows=3, cols=2)
    for r, row in enumerate([["Item", "Amount"], ["Cleaning", "12,400"], ["Repairs", "8,900"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.add_paragraph("The budget was approved with 41 votes in favour.")
    d.add_heading("2. Auditor", level=1)
    d.add_paragraph("Olga Petrenko was elected auditor for two years.")
    d.save(str(HERE / "protocol.docx"))


if __name__ == "__main__":
    make_pdf()
    make_docx()
