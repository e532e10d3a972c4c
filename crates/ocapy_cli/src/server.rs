//! `ocapy server`: the verifier for editors, over the Language Server Protocol on stdio.
//!
//! Open documents are verified as they change, with the settings `ocapy check` would use
//! for the same file (its nearest configuration), and their diagnostics pushed to the
//! editor; hovering over a diagnostic shows its rule's documentation. The protocol is
//! `lsp-server`'s and `lsp-types`', as in rust-analyzer.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Parser;
use lsp_server::{Connection, ExtractError, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{HoverRequest, Request as _};
use lsp_types::{
    Diagnostic as LspDiagnostic, DiagnosticSeverity, Hover, HoverContents, HoverProviderCapability,
    InitializeParams, MarkupContent, MarkupKind, NumberOrString, Position, PositionEncodingKind,
    PublishDiagnosticsParams, Range, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};
use ocapy_verifier::{Diagnostic, STACK_SIZE, check_source};

use crate::args::{CheckArgs, Cli, Command};
use crate::check::Resolver;

/// How the editor counts columns.
#[derive(Copy, Clone)]
enum Columns {
    Utf8,
    Utf16,
}

/// An open document: its text and its last diagnostics.
struct Document {
    text: String,
    diagnostics: Vec<Diagnostic>,
}

pub fn run() -> Result<u8, String> {
    // The verifier recurses as deep as the nesting limits allow: give it the stack it needs.
    std::thread::Builder::new()
        .name("ocapy-server".into())
        .stack_size(STACK_SIZE)
        .spawn(serve)
        .map_err(|error| format!("starting the server: {error}"))?
        .join()
        .map_err(|_| "the server failed".to_string())?
}

fn serve() -> Result<u8, String> {
    let (connection, io_threads) = Connection::stdio();
    let protocol = |error: lsp_server::ProtocolError| format!("language server protocol: {error}");
    let (id, params) = connection.initialize_start().map_err(protocol)?;
    let params: InitializeParams =
        serde_json::from_value(params).map_err(|error| format!("initialize: {error}"))?;
    let utf8 = PositionEncodingKind::UTF8;
    let columns = match params
        .capabilities
        .general
        .and_then(|general| general.position_encodings)
    {
        Some(encodings) if encodings.contains(&utf8) => Columns::Utf8,
        _ => Columns::Utf16,
    };
    let capabilities = ServerCapabilities {
        position_encoding: Some(match columns {
            Columns::Utf8 => PositionEncodingKind::UTF8,
            Columns::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": {"name": "ocapy", "version": env!("CARGO_PKG_VERSION")},
    });
    connection.initialize_finish(id, result).map_err(protocol)?;

    let arguments = default_check_arguments();
    let mut server = Server {
        connection: &connection,
        resolver: Resolver::new(&arguments)?,
        documents: HashMap::new(),
        columns,
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request).map_err(protocol)? {
                    break;
                }
                server.request(request)?;
            }
            Message::Notification(notification) => server.notification(notification)?,
            Message::Response(_) => {}
        }
    }
    drop(server);
    drop(connection);
    io_threads
        .join()
        .map_err(|error| format!("language server protocol: {error}"))?;
    Ok(crate::EXIT_CLEAN)
}

/// `ocapy check`'s defaults: the server finds settings as the command line does.
fn default_check_arguments() -> CheckArgs {
    match Cli::parse_from(["ocapy", "check"]).command {
        Command::Check(arguments) => *arguments,
        _ => unreachable!("`ocapy check` parses as the check command"),
    }
}

struct Server<'a> {
    connection: &'a Connection,
    resolver: Resolver<'a>,
    documents: HashMap<Uri, Document>,
    columns: Columns,
}

impl Server<'_> {
    fn send(&self, message: impl Into<Message>) -> Result<(), String> {
        self.connection
            .sender
            .send(message.into())
            .map_err(|error| format!("sending to the editor: {error}"))
    }

    fn notification(&mut self, notification: Notification) -> Result<(), String> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params = extract::<DidOpenTextDocument>(notification)?;
                self.update(params.text_document.uri, params.text_document.text)
            }
            DidChangeTextDocument::METHOD => {
                let params = extract::<DidChangeTextDocument>(notification)?;
                // Full synchronisation: the last change is the whole text.
                match params.content_changes.into_iter().last() {
                    Some(change) => self.update(params.text_document.uri, change.text),
                    None => Ok(()),
                }
            }
            DidCloseTextDocument::METHOD => {
                let params = extract::<DidCloseTextDocument>(notification)?;
                self.documents.remove(&params.text_document.uri);
                self.publish(params.text_document.uri, Vec::new(), None)
            }
            _ => Ok(()),
        }
    }

    fn request(&mut self, request: Request) -> Result<(), String> {
        if request.method != HoverRequest::METHOD {
            let unknown = format!("ocapy server does not answer {}", request.method);
            let code = lsp_server::ErrorCode::MethodNotFound as i32;
            return self.send(Response::new_err(request.id, code, unknown));
        }
        let (id, params) = match request.extract::<lsp_types::HoverParams>(HoverRequest::METHOD) {
            Ok(extracted) => extracted,
            Err(error) => return Err(format!("hover: {error:?}")),
        };
        let position = params.text_document_position_params;
        let hover = self
            .documents
            .get(&position.text_document.uri)
            .and_then(|document| {
                document.diagnostics.iter().find(|diagnostic| {
                    let range = self.range(&document.text, diagnostic);
                    range.start <= position.position && position.position <= range.end
                })
            })
            .map(|diagnostic| Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: diagnostic.rule.markdown(),
                }),
                range: None,
            });
        self.send(Response::new_ok(id, hover))
    }

    fn update(&mut self, uri: Uri, text: String) -> Result<(), String> {
        let path = file_path(&uri).unwrap_or_else(|| PathBuf::from("untitled.py"));
        let settings = match self.resolver.for_file(&path) {
            Ok((_, settings)) => settings,
            Err(error) => {
                // A broken configuration is shown where the user looks: on the document.
                let message = format!("ocapy cannot check this file: {error}");
                return self.publish(uri, Vec::new(), Some(message));
            }
        };
        let diagnostics = check_source(&text, &settings);
        let shown = diagnostics
            .iter()
            .map(|diagnostic| self.lsp_diagnostic(&text, diagnostic))
            .collect();
        self.documents
            .insert(uri.clone(), Document { text, diagnostics });
        self.publish(uri, shown, None)
    }

    fn publish(
        &self,
        uri: Uri,
        mut diagnostics: Vec<LspDiagnostic>,
        error: Option<String>,
    ) -> Result<(), String> {
        if let Some(message) = error {
            diagnostics.push(LspDiagnostic {
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("ocapy".into()),
                message,
                ..LspDiagnostic::default()
            });
        }
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        };
        self.send(Notification::new(PublishDiagnostics::METHOD.into(), params))
    }

    fn lsp_diagnostic(&self, text: &str, diagnostic: &Diagnostic) -> LspDiagnostic {
        LspDiagnostic {
            range: self.range(text, diagnostic),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String(diagnostic.rule.code().into())),
            source: Some("ocapy".into()),
            message: format!("{} [{}]", diagnostic.message, diagnostic.rule.name()),
            ..LspDiagnostic::default()
        }
    }

    fn range(&self, text: &str, diagnostic: &Diagnostic) -> Range {
        Range {
            start: position(text, usize::from(diagnostic.range.start()), self.columns),
            end: position(text, usize::from(diagnostic.range.end()), self.columns),
        }
    }
}

/// The protocol position of byte `offset` of `text`.
fn position(text: &str, offset: usize, columns: Columns) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = &before[line_start..];
    let character = match columns {
        Columns::Utf8 => line.len(),
        Columns::Utf16 => line.encode_utf16().count(),
    };
    Position {
        line: u32::try_from(before.matches('\n').count()).unwrap_or(u32::MAX),
        character: u32::try_from(character).unwrap_or(u32::MAX),
    }
}

/// The local path of a `file:` URI.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let path = uri.as_str().strip_prefix("file://")?;
    let mut bytes = Vec::with_capacity(path.len());
    let mut rest = path.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' && tail.len() >= 2 {
            let hex = std::str::from_utf8(&tail[..2]).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

fn extract<N: lsp_types::notification::Notification>(
    notification: Notification,
) -> Result<N::Params, String> {
    notification
        .extract(N::METHOD)
        .map_err(|error| match error {
            ExtractError::JsonError { method, error } => format!("{method}: {error}"),
            ExtractError::MethodMismatch(notification) => {
                format!("unexpected {}", notification.method)
            }
        })
}
