//! IMAP polling (to come).
