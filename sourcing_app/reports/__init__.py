"""PDF reports drawn with Qt: the supplier evaluation and the brand sourcing report."""

from sourcing_app.reports.brand_report import write_brand_report
from sourcing_app.reports.supplier_report import write_supplier_report

__all__ = ["write_brand_report", "write_supplier_report"]
