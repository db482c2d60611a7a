"""Importing existing reports (导入): Word (.docx) and text copied out of Word (.txt) become
the project's YAML data files. ``sources`` reads a document into paragraphs and tables,
``parse`` finds the reports and their fields in them, ``writer`` writes the YAML."""
