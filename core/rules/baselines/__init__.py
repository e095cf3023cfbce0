"""National baselines that region rules can extend: PermenPANRB 6/2022, PP 30/2019, PP 46/2011."""
