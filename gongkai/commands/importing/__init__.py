"""Importing the files departments publish (导入) into the project's YAML data files.

``containers`` holds one small reader per container (text, html, spreadsheet, word,
wordbinary, pdf), each yielding the common grid of ``grid`` (paragraphs and tables whose cells
sit in their true columns); ``recognition`` tells each document's kind, year and unit; ``run``
places it; ``forms``
reads a form from any grid, ``lines`` rebuilds a form copied one cell a line, ``levels`` knows
the indicator table's words, ``parse`` reads a narrative report; ``registry`` finds or adds the
department; ``writer`` writes the YAML and ``review`` the clerk's 导入核对.xlsx."""
