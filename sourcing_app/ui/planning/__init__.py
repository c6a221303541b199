"""The Planning screen: each brand's split across its channels, what-ifs, tables, charts."""
