"""The Customs screen: how long goods wait in customs, by import regime, month and supplier."""
