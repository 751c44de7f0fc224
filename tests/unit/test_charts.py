"""Server-side SVG charts: one mark per figure, proportional, text kept as text (French labels and numbers),
an accessible name and a description spelling out every figure, no inline style, escaped labels."""
import re
import xml.etree.ElementTree as ET

from lifecycle.reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML (it is inlined in HTML, but also valid as an .svg file)


def _bars(svg: str, color: str) -> list[ET.Element]:
    return [r for r in _tree(svg).iter(f"{SVG}rect") if r.get("fill") == color]


def test_horizontal_bars_keep_french_labels_as_text():
    svg = charts.horizontal_bars(["Ordinateur portable", "Écran ~24 pouces"], [12, 3],
                                 title="Parc par catégorie", xlabel="Nombre d'équipements")
    root = _tree(svg)
    assert svg.startswith("<svg") and root.get("role") == "img" and root.get("aria-label") == "Parc par catégorie"
    assert root.find(f"{SVG}title").text == "Parc par catégorie"
    assert root.find(f"{SVG}desc").text == "Ordinateur portable: 12; Écran ~24 pouces: 3"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Ordinateur portable" in texts and "Écran ~24 pouces" in texts and "Nombre d'équipements" in texts
    assert "12" in texts and "3" in texts  # each bar's value written at its end


def test_bars_are_proportional_to_their_values_in_the_given_order():
    bars = _bars(charts.horizontal_bars(["a", "b", "c"], [12, 3, 0], title="t", xlabel="x"), charts.BLUE)
    assert len(bars) == 3
    widths = [float(b.get("width")) for b in bars]
    assert abs(widths[0] / widths[1] - 4) < 0.05 and widths[2] == 0
    assert [float(b.get("y")) for b in bars] == sorted(float(b.get("y")) for b in bars)  # top to bottom


def test_share_against_target_shows_percentages_and_the_target_line():
    svg = charts.share_against_target(["2026"], [0.2453], [0.20], title="Part du réemploi",
                                      ylabel="Part (%)", target_label="Objectif légal")
    root = _tree(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "24,5 %" in texts and "Objectif légal" in texts and "Part (%)" in texts
    assert root.find(f"{SVG}desc").text == "2026: 24,5 % (Objectif légal: 20,0 %)"
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 2  # the target across the bar, and its sample in the legend
    (bar,) = _bars(svg, charts.GREEN)
    target_y = float(dashed[1].get("y1"))
    bar_top, bar_bottom = float(bar.get("y")), float(bar.get("y")) + float(bar.get("height"))
    # the 20 % target sits at 20 / 24.53 of the bar's height
    assert abs((bar_bottom - target_y) / (bar_bottom - bar_top) - 0.20 / 0.2453) < 0.01


def test_ranges_chart_handles_zero_and_missing_share():
    svg = charts.ranges(["Achats", "Évité"], [10.0, 0.0], [8.0, 0.0], [15.0, 0.0], colors=["#000091", "#18753c"],
                        title="Carbone", xlabel="kgCO2e")
    root = _tree(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Achats" in texts and "Évité" in texts
    assert "Achats: 10 (8 – 15)" in root.find(f"{SVG}desc").text
    svg = charts.share_against_target(["2026"], [None], [0.5], title="t", ylabel="y", target_label="cible")
    assert "—" in svg


def test_charts_are_deterministic():
    make = lambda: charts.horizontal_bars(["a"], [1], title="t", xlabel="x")  # noqa: E731
    assert make() == make()


def test_axis_numbers_are_written_the_french_way():
    svg = charts.horizontal_bars(["Parc"], [150379.5], title="t", xlabel="kgCO2e")
    assert "150\u202f380" in svg  # the bar's value
    assert ">100\u202f000<" in svg  # an axis tick


def test_labels_are_escaped_and_no_inline_style():
    svg = charts.horizontal_bars(['PC <"portable"> & co'], [1], title='Parc "A" & <B>', xlabel="x")
    root = _tree(svg)
    assert root.get("aria-label") == 'Parc "A" & <B>'
    assert 'PC <"portable"> & co' in [t.text for t in root.iter(f"{SVG}text")]
    assert not re.search(r"\sstyle=|<style", svg)


def test_counts_are_ticked_in_whole_numbers():
    svg = charts.horizontal_bars(["Don", "Vente"], [10, 3], title="Filières", xlabel="Nombre d'équipements")
    ticks = [t.text for t in _tree(svg).iter(f"{SVG}text") if t.get("text-anchor") == "middle"][:-1]  # minus xlabel
    assert ticks == ["0", "2", "4", "6", "8", "10"]
