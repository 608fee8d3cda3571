//! The portal's TLS side: a rustls server configuration (the `ring` provider, as the
//! client uses) from a PEM certificate chain and key.

use std::io;
use std::sync::Arc;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A TLS acceptor serving HTTP/1.1 with this certificate chain and key.
pub(crate) fn acceptor(
    certificate_chain_pem: &[u8],
    private_key_pem: &[u8],
) -> io::Result<TlsAcceptor> {
    let invalid = |what: &str, err: &dyn std::fmt::Display| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {err}"))
    };
    let chain = CertificateDer::pem_slice_iter(certificate_chain_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| invalid("the certificate chain is not PEM", &err))?;
    if chain.is_empty() {
        return Err(invalid(
            "the certificate chain",
            &"no certificate in the PEM",
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(private_key_pem)
        .map_err(|err| invalid("the private key is not PEM", &err))?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|err| invalid("TLS versions", &err))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|err| invalid("the certificate and key do not make a TLS identity", &err))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
