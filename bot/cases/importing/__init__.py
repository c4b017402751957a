"""The backlog: cases the centre handled before Shuoshi, read from a spreadsheet (XLSX or CSV)."""
