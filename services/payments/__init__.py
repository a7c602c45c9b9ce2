"""Fees: invoices, PromptPay QR codes, slips, receipts and households' monthly charges."""
