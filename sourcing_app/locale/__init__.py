"""The translation catalogs: zh_CN/parts/*.po by area, compiled into zh_CN/LC_MESSAGES."""
