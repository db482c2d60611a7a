"""gongkai（公开）：把部门的项目支出绩效数据（YAML）变成可检索的信息公开网站。

The package is plain Python: MkDocs hooks in ``hooks/`` only adapt its output to MkDocs events.
"""

__version__ = "0.1.0"
