"""Importing published reports (导入): Word (.docx) and text from Word or web pages (.txt)
become the project's YAML data files. ``sources`` reads a document into paragraphs, tables and
its web header; ``run`` recognises each document's kind and places it; ``parse`` reads a
narrative report, ``forms`` a form's tables, ``lines`` rebuilds a one-cell-a-line web copy into
rows; ``registry`` finds or adds the department; ``writer`` writes the YAML."""
