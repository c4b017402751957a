"""Knowledge: the anti-fraud and legal-awareness answers, their sources and the statutes they cite."""
