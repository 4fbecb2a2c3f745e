"""Evidence packages: BagIt export, zip, age, verify-package, receive."""
