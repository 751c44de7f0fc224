"""Server-side SVG charts: non-empty, text kept as text (French labels readable), accessible name."""
from lifecycle.reports import charts


def test_horizontal_bars_keep_french_labels_as_text():
    svg = charts.horizontal_bars(["Ordinateur portable", "Écran ~24 pouces"], [12, 3],
                                 title="Parc par catégorie", xlabel="Nombre d'équipements")
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-label="Parc par catégorie"' in svg
    assert "Ordinateur portable" in svg and "Écran ~24 pouces" in svg and "Nombre d'équipements" in svg
    assert svg.count("<path") > 2


def test_share_against_target_shows_percentages():
    svg = charts.share_against_target(["2026"], [0.2453], [0.20], title="Part du réemploi",
                                      ylabel="Part (%)", target_label="Objectif légal")
    assert "24,5 %" in svg and "Objectif légal" in svg


def test_ranges_chart_handles_zero_and_missing_share():
    svg = charts.ranges(["Achats", "Évité"], [10.0, 0.0], [8.0, 0.0], [15.0, 0.0], colors=["#000091", "#18753c"],
                        title="Carbone", xlabel="kgCO2e")
    assert "Achats" in svg and "Évité" in svg
    svg = charts.share_against_target(["2026"], [None], [0.5], title="t", ylabel="y", target_label="cible")
    assert "—" in svg


def test_charts_are_deterministic():
    make = lambda: charts.horizontal_bars(["a"], [1], title="t", xlabel="x")  # noqa: E731
    assert make() == make()


def test_axis_numbers_are_written_the_french_way():
    svg = charts.horizontal_bars(["Parc"], [150379.5], title="t", xlabel="kgCO2e")
    assert "150\u202f380" in svg  # the bar's value
    assert "100\u202f000" in svg  # an axis tick
