"""Officers' portal accounts: registration, confirmation, sign-in, their second factor, staff
verification of the accounts, and the mails that tell an officer staff wrote to them."""
