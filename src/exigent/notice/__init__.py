"""User notice: telling the affected user about a request, when the law and the order allow."""
