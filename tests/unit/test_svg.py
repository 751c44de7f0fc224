"""SVG styles become presentation attributes; what cannot be converted is refused, never dropped."""
import pytest

from purchasing.svg import without_inline_styles


def test_style_attributes_and_the_universal_rule_become_attributes():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><style type="text/css">*{stroke-linejoin: round}</style>'
           '<text style="font-size: 10px; font-family: \'DejaVu Sans\', sans-serif; text-anchor: end">1</text>'
           '<rect style="fill:black;"/></svg>')
    out = without_inline_styles(svg)
    assert "style" not in out
    assert out.startswith('<svg stroke-linejoin="round" xmlns=')
    assert 'font-size="10px" font-family="&#x27;DejaVu Sans&#x27;, sans-serif" text-anchor="end"' in out
    assert '<rect fill="black"/>' in out


@pytest.mark.parametrize("svg", ['<svg><rect style="transition: all 1s"/></svg>',
                                 '<svg><style>rect{fill:red}</style></svg>'])
def test_what_has_no_presentation_attribute_is_refused(svg):
    with pytest.raises(ValueError):
        without_inline_styles(svg)
