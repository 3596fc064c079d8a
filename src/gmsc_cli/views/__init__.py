"""Everything that turns data into text for people: tables, findings, charts, the map, HTML.

Views take plain values (the domain's results and `Tabular`s) and return text or bytes;
they never query the store and never print.
"""
